package dev.mesoshealth.service;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.util.Collection;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/** TLS trust for HTTPS endpoints signed by a private CA (the DC/OS CA, a company CA). */
public final class TlsContexts {
  private TlsContexts() {}

  /** An SSLContext that trusts exactly the certificates in a PEM bundle. */
  public static SSLContext trusting(Path caBundle) {
    try (InputStream in = Files.newInputStream(caBundle)) {
      Collection<? extends Certificate> certs =
          CertificateFactory.getInstance("X.509").generateCertificates(in);
      if (certs.isEmpty()) {
        throw new IllegalArgumentException("CA bundle " + caBundle + " holds no certificate");
      }
      KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
      store.load(null, null);
      int i = 0;
      for (Certificate c : certs) {
        store.setCertificateEntry("ca-" + i++, c);
      }
      TrustManagerFactory tmf =
          TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      tmf.init(store);
      SSLContext ctx = SSLContext.getInstance("TLS");
      ctx.init(null, tmf.getTrustManagers(), null);
      return ctx;
    } catch (IOException e) {
      throw new IllegalArgumentException(
          "cannot read CA bundle " + caBundle + ": " + e.getMessage());
    } catch (GeneralSecurityException e) {
      throw new IllegalArgumentException(
          "CA bundle " + caBundle + " is not a PEM certificate bundle: " + e.getMessage());
    }
  }
}
