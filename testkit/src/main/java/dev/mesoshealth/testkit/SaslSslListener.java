package dev.mesoshealth.testkit;

import dev.mesoshealth.broker.EmbeddedKafkaBroker;
import dev.mesoshealth.service.SharedConfig;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import javax.management.JMException;
import javax.management.MBeanServer;
import javax.management.ObjectName;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ScramCredentialInfo;
import org.apache.kafka.clients.admin.ScramMechanism;
import org.apache.kafka.clients.admin.UserScramCredentialUpsertion;

/**
 * A second broker listener that wants TLS and SCRAM-SHA-512 (SASL_SSL), next to the plain one the
 * tests feed and read through: a self-signed certificate for 127.0.0.1 made with the JDK's keytool,
 * a truststore holding it, and the {@code kafka.*} settings a service needs to use it.
 */
public final class SaslSslListener {
  public static final String USER = "mesos-health";
  public static final String PASSWORD = "s3cret-pw";
  private static final String STORE_PASSWORD = "changeit-42";

  private final Path tls;
  private final int port = EmbeddedKafkaBroker.freePort();

  public SaslSslListener() {
    try {
      tls = TempDirs.create("sasl-ssl-");
      String keytool = Path.of(System.getProperty("java.home"), "bin", "keytool").toString();
      String broker = tls.resolve("broker.p12").toString();
      String pem = tls.resolve("broker.pem").toString();
      run(
          keytool,
          "-genkeypair",
          "-alias",
          "broker",
          "-keyalg",
          "RSA",
          "-keysize",
          "2048",
          "-validity",
          "2",
          "-dname",
          "CN=127.0.0.1",
          "-ext",
          "SAN=ip:127.0.0.1",
          "-keystore",
          broker,
          "-storetype",
          "PKCS12",
          "-storepass",
          STORE_PASSWORD,
          "-keypass",
          STORE_PASSWORD);
      run(
          keytool,
          "-exportcert",
          "-alias",
          "broker",
          "-rfc",
          "-keystore",
          broker,
          "-storepass",
          STORE_PASSWORD,
          "-file",
          pem);
      run(
          keytool,
          "-importcert",
          "-noprompt",
          "-alias",
          "broker",
          "-file",
          pem,
          "-keystore",
          tls.resolve("trust.p12").toString(),
          "-storetype",
          "PKCS12",
          "-storepass",
          STORE_PASSWORD);
    } catch (Exception e) {
      throw new IllegalStateException("cannot make the test's TLS material", e);
    }
  }

  private static void run(String... command) throws Exception {
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes());
    if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
      throw new IllegalStateException(String.join(" ", command) + ": " + out);
    }
  }

  /** Broker settings: the plain listener as usual, plus this one (named SECURE). */
  public Map<String, String> brokerOverrides() {
    return Map.ofEntries(
        Map.entry(
            "listeners",
            "PLAINTEXT://127.0.0.1:{port},CONTROLLER://127.0.0.1:{controllerPort},"
                + "SECURE://127.0.0.1:"
                + port),
        Map.entry(
            "advertised.listeners", "PLAINTEXT://127.0.0.1:{port},SECURE://127.0.0.1:" + port),
        Map.entry(
            "listener.security.protocol.map",
            "CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT,SECURE:SASL_SSL"),
        Map.entry("sasl.enabled.mechanisms", "SCRAM-SHA-512"),
        Map.entry(
            "listener.name.secure.scram-sha-512.sasl.jaas.config",
            "org.apache.kafka.common.security.scram.ScramLoginModule required;"),
        Map.entry(
            "listener.name.secure.ssl.keystore.location", tls.resolve("broker.p12").toString()),
        Map.entry("listener.name.secure.ssl.keystore.password", STORE_PASSWORD),
        Map.entry("listener.name.secure.ssl.key.password", STORE_PASSWORD),
        Map.entry("listener.name.secure.ssl.keystore.type", "PKCS12"));
  }

  /** Creates the SCRAM user {@link #USER} with {@link #PASSWORD} on a started broker. */
  public void addUser(EmbeddedKafkaBroker broker) throws Exception {
    try (Admin admin = broker.admin()) {
      admin
          .alterUserScramCredentials(
              List.of(
                  new UserScramCredentialUpsertion(
                      USER, new ScramCredentialInfo(ScramMechanism.SCRAM_SHA_512, 4096), PASSWORD)))
          .all()
          .get(30, TimeUnit.SECONDS);
    }
  }

  /**
   * How many logins this listener has refused, as the in-process broker counts them (its
   * socket-server metrics): the broker's own word that a client failed to authenticate.
   */
  public static long failedAuthentications() {
    try {
      MBeanServer jmx = ManagementFactory.getPlatformMBeanServer();
      long failed = 0;
      for (ObjectName processor :
          jmx.queryNames(
              new ObjectName(
                  "kafka.server:type=socket-server-metrics,listener=SECURE,networkProcessor=*"),
              null)) {
        failed += ((Number) jmx.getAttribute(processor, "failed-authentication-total")).longValue();
      }
      return failed;
    } catch (JMException e) {
      throw new IllegalStateException("cannot read the broker's authentication metrics", e);
    }
  }

  /** A service's {@code kafka.*} settings for this listener, logging in with the given password. */
  public Map<String, String> serviceSettings(String password) {
    Map<String, String> k = new HashMap<>();
    k.put(SharedConfig.KAFKA_BOOTSTRAP_SERVERS, "127.0.0.1:" + port);
    k.put("kafka.security.protocol", "SASL_SSL");
    k.put("kafka.sasl.mechanism", "SCRAM-SHA-512");
    k.put(
        "kafka.sasl.jaas.config",
        "org.apache.kafka.common.security.scram.ScramLoginModule required username=\""
            + USER
            + "\" password=\""
            + password
            + "\";");
    k.put("kafka.ssl.truststore.location", tls.resolve("trust.p12").toString());
    k.put("kafka.ssl.truststore.password", STORE_PASSWORD);
    k.put("kafka.ssl.truststore.type", "PKCS12");
    return k;
  }
}
