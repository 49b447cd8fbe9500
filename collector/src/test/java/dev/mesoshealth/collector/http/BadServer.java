package dev.mesoshealth.collector.http;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * A raw-socket server that misbehaves on purpose: answers with whatever bytes a test writes,
 * including bodies that never end. For testing the client against servers no real Mesos would be.
 */
final class BadServer implements AutoCloseable {
  interface Behaviour {
    void answer(OutputStream out) throws IOException, InterruptedException;
  }

  private final ServerSocket socket;
  private final ExecutorService threads =
      Executors.newCachedThreadPool(
          r -> {
            Thread t = new Thread(r, "bad-server");
            t.setDaemon(true);
            return t;
          });

  BadServer(Behaviour behaviour) throws IOException {
    socket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    threads.execute(
        () -> {
          while (!socket.isClosed()) {
            try {
              Socket client = socket.accept();
              threads.execute(() -> serve(client, behaviour));
            } catch (IOException e) {
              return;
            }
          }
        });
  }

  private static void serve(Socket client, Behaviour behaviour) {
    try (client) {
      InputStream in = client.getInputStream();
      int matched = 0;
      while (matched < 4) {
        int b = in.read();
        if (b < 0) {
          return;
        }
        matched = (b == "\r\n\r\n".charAt(matched)) ? matched + 1 : (b == '\r' ? 1 : 0);
      }
      behaviour.answer(client.getOutputStream());
    } catch (IOException | InterruptedException e) {
      // the client went away: fine for a bad server
    }
  }

  String url(String path) {
    return "http://127.0.0.1:" + socket.getLocalPort() + path;
  }

  static void write(OutputStream out, String text) throws IOException {
    out.write(text.getBytes(StandardCharsets.ISO_8859_1));
    out.flush();
  }

  @Override
  public void close() throws IOException {
    socket.close();
    threads.shutdownNow();
  }
}
