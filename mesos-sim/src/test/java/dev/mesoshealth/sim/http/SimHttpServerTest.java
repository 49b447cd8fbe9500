package dev.mesoshealth.sim.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class SimHttpServerTest {
  private final SimHttpServer server = newServer();
  private final HttpClient client = HttpClient.newHttpClient();

  private static SimHttpServer newServer() {
    try {
      return new SimHttpServer("test", 2, Duration.ofSeconds(30));
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  @AfterEach
  void close() {
    server.close();
  }

  private HttpResponse<String> get(InetSocketAddress at, String path, Duration timeout)
      throws Exception {
    return client.send(
        HttpRequest.newBuilder(
                URI.create("http://" + at.getHostString() + ":" + at.getPort() + path))
            .timeout(timeout)
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void servesEachAddressWithItsOwnHandler() throws Exception {
    var a =
        server.listen(
            new InetSocketAddress("127.1.200.1", 0),
            r -> Reply.json("\"a\"".getBytes(StandardCharsets.UTF_8)));
    var b =
        server.listen(
            new InetSocketAddress("127.1.200.2", 0),
            r -> Reply.json("\"b\"".getBytes(StandardCharsets.UTF_8)));

    assertThat(get(a.address(), "/x", Duration.ofSeconds(2)).body()).isEqualTo("\"a\"");
    assertThat(get(b.address(), "/x", Duration.ofSeconds(2)).body()).isEqualTo("\"b\"");
  }

  @Test
  void oneSharedSocketServesEveryAddressWithItsOwnHandlerAndAClosedOneIsReset() throws Exception {
    int port;
    try (java.net.ServerSocket free = new java.net.ServerSocket(0)) {
      port = free.getLocalPort();
    }
    server.shareAllInterfaces(port);
    var a =
        server.listenShared(
            new InetSocketAddress("127.1.201.1", port),
            r -> Reply.json("\"a\"".getBytes(StandardCharsets.UTF_8)));
    var b =
        server.listenShared(
            new InetSocketAddress("127.1.201.2", port),
            r -> Reply.json("\"b\"".getBytes(StandardCharsets.UTF_8)));

    assertThat(get(a.address(), "/x", Duration.ofSeconds(2)).body()).isEqualTo("\"a\"");
    assertThat(get(b.address(), "/x", Duration.ofSeconds(2)).body()).isEqualTo("\"b\"");
    assertThatThrownBy(
            () -> get(new InetSocketAddress("127.1.201.3", port), "/x", Duration.ofSeconds(2)))
        .as("an address nobody serves")
        .isInstanceOf(IOException.class);

    a.close();
    assertThat(a.isOpen()).isFalse();
    assertThatThrownBy(() -> get(a.address(), "/x", Duration.ofSeconds(2)))
        .isInstanceOf(IOException.class);
    assertThat(get(b.address(), "/x", Duration.ofSeconds(2)).body()).isEqualTo("\"b\"");
    a.open();
    assertThat(get(a.address(), "/x", Duration.ofSeconds(2)).body()).isEqualTo("\"a\"");
  }

  @Test
  void keepsConnectionsAliveAndHandlesPipelinedRequests() throws Exception {
    AtomicInteger n = new AtomicInteger();
    var l =
        server.listen(
            new InetSocketAddress("127.0.0.1", 0),
            r -> Reply.status(200, r.path() + "#" + n.incrementAndGet()));
    try (Socket socket = new Socket("127.0.0.1", l.address().getPort())) {
      OutputStream out = socket.getOutputStream();
      out.write(
          ("GET /one HTTP/1.1\r\nHost: x\r\n\r\nGET /two HTTP/1.1\r\nHost: x\r\n\r\n")
              .getBytes(StandardCharsets.US_ASCII));
      out.flush();
      BufferedReader in =
          new BufferedReader(
              new InputStreamReader(socket.getInputStream(), StandardCharsets.US_ASCII));
      assertThat(readBody(in)).isEqualTo("/one#1");
      assertThat(readBody(in)).isEqualTo("/two#2");
    }
  }

  private static String readBody(BufferedReader in) throws IOException {
    String line;
    int length = 0;
    assertThat(in.readLine()).startsWith("HTTP/1.1 200");
    while (!(line = in.readLine()).isEmpty()) {
      if (line.toLowerCase().startsWith("content-length:")) {
        length = Integer.parseInt(line.substring(15).trim());
      }
    }
    char[] body = new char[length];
    int read = 0;
    while (read < length) {
      read += in.read(body, read, length - read);
    }
    return new String(body);
  }

  @Test
  void delayedRepliesArriveAfterTheDelay() throws Exception {
    var l =
        server.listen(
            new InetSocketAddress("127.0.0.1", 0),
            r -> new Reply.Delayed(Duration.ofMillis(300), Reply.status(200, "late")));
    long start = System.nanoTime();

    HttpResponse<String> response = get(l.address(), "/", Duration.ofSeconds(5));

    assertThat(response.body()).isEqualTo("late");
    assertThat(Duration.ofNanos(System.nanoTime() - start))
        .isGreaterThanOrEqualTo(Duration.ofMillis(300));
  }

  @Test
  void neverRepliesMakeTheClientTimeOut() throws Exception {
    var l = server.listen(new InetSocketAddress("127.0.0.1", 0), r -> new Reply.Never());

    assertThatThrownBy(() -> get(l.address(), "/", Duration.ofMillis(300)))
        .isInstanceOf(HttpTimeoutException.class);
  }

  @Test
  void closedListenerRefusesConnectionsUntilReopened() throws Exception {
    var l = server.listen(new InetSocketAddress("127.1.200.3", 0), r -> Reply.status(200, "up"));
    InetSocketAddress address = l.address();

    l.close();
    assertThatThrownBy(() -> get(address, "/", Duration.ofSeconds(2)))
        .isInstanceOf(ConnectException.class);

    l.open();
    assertThat(l.address()).isEqualTo(address);
    assertThat(get(address, "/", Duration.ofSeconds(2)).body()).isEqualTo("up");
  }

  @Test
  void handlerFailureIsA500NotACrash() throws Exception {
    var l =
        server.listen(
            new InetSocketAddress("127.0.0.1", 0),
            r -> {
              throw new IllegalStateException("boom");
            });

    HttpResponse<String> response = get(l.address(), "/", Duration.ofSeconds(2));

    assertThat(response.statusCode()).isEqualTo(500);
    assertThat(get(l.address(), "/", Duration.ofSeconds(2)).statusCode()).isEqualTo(500);
  }

  @Test
  void garbageRequestLineGets400() throws Exception {
    var l = server.listen(new InetSocketAddress("127.0.0.1", 0), r -> Reply.status(200, "ok"));
    try (Socket socket = new Socket("127.0.0.1", l.address().getPort())) {
      socket.getOutputStream().write("HELLO\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
      BufferedReader in =
          new BufferedReader(
              new InputStreamReader(socket.getInputStream(), StandardCharsets.US_ASCII));
      assertThat(in.readLine()).startsWith("HTTP/1.1 400");
    }
  }
}
