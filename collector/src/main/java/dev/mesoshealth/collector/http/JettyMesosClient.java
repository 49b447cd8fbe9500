package dev.mesoshealth.collector.http;

import dev.mesoshealth.collector.core.PollResult;
import dev.mesoshealth.collector.core.SnapshotParser;
import dev.mesoshealth.events.Outcome;
import java.net.URI;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import javax.net.ssl.SSLContext;
import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.client.Response;
import org.eclipse.jetty.client.Result;
import org.eclipse.jetty.client.transport.HttpClientTransportOverHTTP;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpMethod;
import org.eclipse.jetty.io.ClientConnector;
import org.eclipse.jetty.io.Connection;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.eclipse.jetty.util.thread.ScheduledExecutorScheduler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link MesosClient} on Jetty's HTTP client, for the polls. Jetty keeps a pool per destination (an
 * agent), so taking and returning a keep-alive connection costs the same with 30,000 agents as with
 * 30; the JDK client's one pool is linear in the connections it holds (docs/benchmarks.md). The
 * same contract as {@link HttpMesosClient}: no redirects followed, a deadline for the whole
 * exchange, a maximum body size, the configured credentials, every outcome a {@link PollResult}.
 * Operator API streams (one long-lived connection per master) stay on the JDK client. The price: an
 * open file per agent polled (and one on the agent), kept between polls; so the connections open
 * are counted, and once there are as many as allowed a poll asks its agent to close the connection
 * after answering ({@code Connection: close}): past the budget, a connection per poll.
 */
public final class JettyMesosClient implements MesosClient, AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(JettyMesosClient.class);

  private final HttpClient http;
  private final Duration timeout;
  private final Credentials credentials;
  private final MesosClient streams;
  private final AtomicBoolean outOfFiles = new AtomicBoolean();
  private final AtomicInteger open;
  private final int maxOpen;

  private JettyMesosClient(
      HttpClient http,
      AtomicInteger open,
      int maxOpen,
      Duration timeout,
      Credentials credentials,
      MesosClient streams) {
    this.http = http;
    this.open = open;
    this.maxOpen = maxOpen;
    this.timeout = timeout;
    this.credentials = credentials;
    this.streams = streams;
  }

  /**
   * A started client. Connections idle for {@code keepAlive} close; an agent not polled for ten of
   * them (it left the cluster) is forgotten; at most {@code maxOpen} are kept open between polls.
   */
  public static JettyMesosClient start(
      Duration connectTimeout,
      Duration keepAlive,
      int maxOpen,
      SSLContext tls,
      Duration timeout,
      Credentials credentials,
      MesosClient streams) {
    ClientConnector connector = new ClientConnector();
    connector.setSelectors(1);
    connector.setConnectTimeout(connectTimeout);
    if (tls != null) {
      SslContextFactory.Client ssl = new SslContextFactory.Client();
      ssl.setSslContext(tls);
      connector.setSslContextFactory(ssl);
    }
    QueuedThreadPool threads = new QueuedThreadPool(8, 2);
    threads.setName("collector-jetty");
    threads.setDaemon(true);
    HttpClient http = new HttpClient(new HttpClientTransportOverHTTP(connector));
    http.setExecutor(threads);
    http.setScheduler(new ScheduledExecutorScheduler("collector-jetty-scheduler", true));
    http.setFollowRedirects(false);
    http.setIdleTimeout(keepAlive.toMillis());
    http.setDestinationIdleTimeout(keepAlive.multipliedBy(10).toMillis());
    // one poll at a time per agent; a master also answers /master/slaves and redirects
    http.setMaxConnectionsPerDestination(4);
    http.setUserAgentField(new HttpField(HttpHeader.USER_AGENT, "mesos-health"));
    AtomicInteger open = new AtomicInteger();
    // Jetty tells a client's Connection.Listener beans of every connection it opens and closes
    http.addBean(
        new Connection.Listener() {
          @Override
          public void onOpened(Connection connection) {
            open.incrementAndGet();
          }

          @Override
          public void onClosed(Connection connection) {
            open.decrementAndGet();
          }
        });
    try {
      http.start();
    } catch (Exception e) {
      throw new IllegalStateException("the Jetty HTTP client did not start: " + e, e);
    }
    // Jetty's handlers (installed by start) would take a 401 without a challenge for a protocol
    // violation and a redirect for something to follow: the poll reads every status itself
    http.getProtocolHandlers().clear();
    // as the JDK client: no Accept-Encoding, so the limit counts what the agent sent
    http.getContentDecoderFactories().clear();
    return new JettyMesosClient(http, open, maxOpen, timeout, credentials, streams);
  }

  @Override
  public CompletableFuture<PollResult> get(URI uri, long maxBytes) {
    return get(uri, maxBytes, timeout);
  }

  @Override
  public CompletableFuture<PollResult> get(URI uri, long maxBytes, Duration timeout) {
    long start = System.nanoTime();
    CompletableFuture<PollResult> out = new CompletableFuture<>();
    credentials
        .authorization()
        .whenComplete(
            (auth, authFailed) -> {
              if (authFailed != null) {
                out.complete(Failures.of(authFailed, since(start), maxBytes, timeout));
                return;
              }
              http.newRequest(uri)
                  .method(HttpMethod.GET)
                  .timeout(timeout.toMillis(), TimeUnit.MILLISECONDS)
                  .accept("application/json")
                  .headers(
                      h -> {
                        if (auth != null) {
                          h.put(HttpHeader.AUTHORIZATION, auth);
                        }
                        if (open.get() >= maxOpen) {
                          h.put(HttpHeader.CONNECTION, "close");
                        }
                      })
                  .send(new Exchange(maxBytes, timeout, start, out));
            });
    return out;
  }

  /** Connections open now: pooled between polls, or in use. */
  public int openConnections() {
    return open.get();
  }

  @Override
  public StreamEnd stream(URI uri, byte[] call, Duration idleTimeout, Consumer<byte[]> onRecord) {
    return streams.stream(uri, call, idleTimeout, onRecord);
  }

  @Override
  public void close() {
    try {
      http.stop();
    } catch (Exception e) {
      // stopping anyway
    }
  }

  private static Duration since(long start) {
    return Duration.ofNanos(System.nanoTime() - start);
  }

  /** Buffers one answer up to the limit, then completes the poll. */
  private final class Exchange implements Response.Listener {
    private final long maxBytes;
    private final Duration timeout;
    private final long start;
    private final CompletableFuture<PollResult> out;
    private byte[] body = new byte[4096];
    private int length;

    Exchange(long maxBytes, Duration timeout, long start, CompletableFuture<PollResult> out) {
      this.maxBytes = maxBytes;
      this.timeout = timeout;
      this.start = start;
      this.out = out;
    }

    @Override
    public void onHeaders(Response response) {
      long declared = response.getHeaders().getLongField(HttpHeader.CONTENT_LENGTH);
      if (declared > maxBytes) {
        response.abort(new ResponseTooLargeException(maxBytes)); // not read at all
      } else if (declared > body.length) {
        body = new byte[(int) declared];
      }
    }

    @Override
    public void onContent(Response response, ByteBuffer content) {
      int n = content.remaining();
      if (length + (long) n > maxBytes) {
        response.abort(new ResponseTooLargeException(maxBytes));
        return;
      }
      if (length + n > body.length) {
        body =
            Arrays.copyOf(body, (int) Math.min(maxBytes, Math.max(2L * body.length, length + n)));
      }
      content.get(body, length, n);
      length += n;
    }

    @Override
    public void onComplete(Result result) {
      Duration took = since(start);
      if (result.isFailed()) {
        PollResult.Failure f = Failures.of(result.getFailure(), took, maxBytes, timeout);
        if (f.error().contains("Too many open files") && !outOfFiles.getAndSet(true)) {
          log.error(
              "out of open files: {} connections may stay open (http.max.idle.connections);"
                  + " lower it, or raise the collector's limit (ulimit -n)",
              maxOpen);
        }
        out.complete(f);
        return;
      }
      Response response = result.getResponse();
      int status = response.getStatus();
      byte[] bytes = length == body.length ? body : Arrays.copyOf(body, length);
      if (status == 401) {
        credentials.rejected();
      }
      if (status >= 200 && status < 400) {
        out.complete(
            new PollResult.Response(
                status, bytes, response.getHeaders().get(HttpHeader.LOCATION), took));
      } else {
        out.complete(
            new PollResult.Failure(
                Outcome.HTTP_ERROR,
                status,
                "HTTP " + status + ": " + SnapshotParser.preview(bytes),
                took));
      }
    }
  }
}
