package dev.mesoshealth.collector.http;

import dev.mesoshealth.collector.core.PollResult;
import dev.mesoshealth.collector.core.SnapshotParser;
import dev.mesoshealth.events.Outcome;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * {@link MesosClient} on the JDK HTTP client: HTTP/1.1 keep-alive, no automatic redirects (the
 * caller follows a leader redirect itself), a deadline for the whole exchange (so a body that
 * trickles forever times out), a maximum body size, and the configured credentials. Every outcome
 * is a {@link PollResult}; this class never throws for a bad server.
 */
public final class HttpMesosClient implements MesosClient {
  private final HttpClient http;
  private final Duration timeout;
  private final Credentials credentials;

  public HttpMesosClient(HttpClient http, Duration timeout, Credentials credentials) {
    this.http = http;
    this.timeout = timeout;
    this.credentials = credentials;
  }

  /** An HTTP/1.1 client with a connect timeout, optional TLS trust and a worker executor. */
  public static HttpClient newHttpClient(
      Duration connectTimeout,
      javax.net.ssl.SSLContext tls,
      java.util.concurrent.Executor executor) {
    HttpClient.Builder b =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .followRedirects(HttpClient.Redirect.NEVER)
            .connectTimeout(connectTimeout)
            .executor(executor);
    if (tls != null) {
      b.sslContext(tls);
    }
    return b.build();
  }

  @Override
  public CompletableFuture<PollResult> get(URI uri, long maxBytes) {
    return get(uri, maxBytes, timeout);
  }

  @Override
  public CompletableFuture<PollResult> get(URI uri, long maxBytes, Duration timeout) {
    long start = System.nanoTime();
    CompletableFuture<HttpResponse<byte[]>> exchange =
        credentials
            .authorization()
            .thenCompose(
                auth -> {
                  HttpRequest.Builder request =
                      HttpRequest.newBuilder(uri)
                          .timeout(timeout)
                          .header("Accept", "application/json")
                          .GET();
                  if (auth != null) {
                    request.header("Authorization", auth);
                  }
                  return http.sendAsync(request.build(), new LimitedBodyHandler(maxBytes));
                });
    CompletableFuture<HttpResponse<byte[]>> bounded =
        exchange.orTimeout(timeout.toMillis(), TimeUnit.MILLISECONDS);
    return bounded.handle(
        (response, error) -> {
          Duration took = Duration.ofNanos(System.nanoTime() - start);
          if (error != null) {
            exchange.cancel(true);
            return Failures.of(error, took, maxBytes, timeout);
          }
          int status = response.statusCode();
          if (status == 401) {
            credentials.rejected();
          }
          if (status >= 200 && status < 400) {
            return new PollResult.Response(
                status,
                response.body(),
                response.headers().firstValue("Location").orElse(null),
                took);
          }
          return new PollResult.Failure(
              Outcome.HTTP_ERROR,
              status,
              "HTTP " + status + ": " + SnapshotParser.preview(response.body()),
              took);
        });
  }

  // one daemon thread closes streams that went quiet, for every stream of the process
  private static final java.util.concurrent.ScheduledExecutorService WATCHDOG =
      java.util.concurrent.Executors.newSingleThreadScheduledExecutor(
          r -> {
            Thread t = new Thread(r, "mesos-stream-watchdog");
            t.setDaemon(true);
            return t;
          });

  @Override
  public StreamEnd stream(
      URI uri, byte[] call, Duration idleTimeout, java.util.function.Consumer<byte[]> onRecord) {
    HttpResponse<java.io.InputStream> response;
    try {
      String auth = credentials.authorization().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
      HttpRequest.Builder request =
          HttpRequest.newBuilder(uri)
              .header("Content-Type", "application/json")
              .header("Accept", "application/json")
              .POST(HttpRequest.BodyPublishers.ofByteArray(call));
      if (auth != null) {
        request.header("Authorization", auth);
      }
      // the head within the usual deadline; the body never ends
      response =
          http.sendAsync(request.build(), HttpResponse.BodyHandlers.ofInputStream())
              .get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return new StreamEnd(0, null, "interrupted");
    } catch (ExecutionException | TimeoutException e) {
      PollResult.Failure f = Failures.of(e, Duration.ZERO, 0, timeout);
      return new StreamEnd(0, null, f.error());
    }
    int status = response.statusCode();
    String location = response.headers().firstValue("Location").orElse(null);
    java.io.InputStream body = response.body();
    if (status != 200) {
      try (body) {
        body.readNBytes(4096);
      } catch (IOException e) {
        // the status says enough
      }
      if (status == 401) {
        credentials.rejected();
      }
      return new StreamEnd(status, location, "HTTP " + status);
    }
    java.util.concurrent.atomic.AtomicLong heard =
        new java.util.concurrent.atomic.AtomicLong(System.nanoTime());
    long idleNanos = idleTimeout.toNanos();
    java.util.concurrent.ScheduledFuture<?> watch =
        WATCHDOG.scheduleWithFixedDelay(
            () -> {
              if (System.nanoTime() - heard.get() > idleNanos) {
                try {
                  body.close(); // the reader's next read fails: the stream is over
                } catch (IOException e) {
                  // closing anyway
                }
              }
            },
            idleTimeout.toMillis() / 3 + 1,
            idleTimeout.toMillis() / 3 + 1,
            TimeUnit.MILLISECONDS);
    try (body) {
      byte[] record;
      while ((record = dev.mesoshealth.collector.core.OperatorEvents.nextRecord(body, MAX_RECORD))
          != null) {
        heard.set(System.nanoTime());
        onRecord.accept(record);
      }
      return new StreamEnd(200, null, "the stream ended");
    } catch (IOException e) {
      boolean quiet = System.nanoTime() - heard.get() > idleNanos;
      return new StreamEnd(
          200, null, quiet ? "nothing for " + idleTimeout.toSeconds() + " s" : e.toString());
    } catch (dev.mesoshealth.collector.core.InvalidResponseException e) {
      return new StreamEnd(200, null, "invalid stream: " + e.getMessage());
    } finally {
      watch.cancel(false);
    }
  }

  /** The largest event accepted: SUBSCRIBED carries the whole cluster's state. */
  private static final int MAX_RECORD = 256 * 1024 * 1024;
}
