package dev.mesoshealth.collector.http;

import java.io.ByteArrayOutputStream;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Flow;

/**
 * Reads a body into memory up to a limit; a larger body (by Content-Length or as it arrives) is
 * cancelled and fails with {@link ResponseTooLargeException}, so a 50 MiB answer costs at most the
 * limit.
 */
final class LimitedBodyHandler implements HttpResponse.BodyHandler<byte[]> {
  private final long max;

  LimitedBodyHandler(long max) {
    this.max = max;
  }

  @Override
  public HttpResponse.BodySubscriber<byte[]> apply(HttpResponse.ResponseInfo info) {
    long declared = info.headers().firstValueAsLong("Content-Length").orElse(-1);
    return new Subscriber(max, declared > max);
  }

  private static final class Subscriber implements HttpResponse.BodySubscriber<byte[]> {
    private final long max;
    private final boolean tooLargeUpFront;
    private final CompletableFuture<byte[]> result = new CompletableFuture<>();
    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    private Flow.Subscription subscription;

    Subscriber(long max, boolean tooLargeUpFront) {
      this.max = max;
      this.tooLargeUpFront = tooLargeUpFront;
    }

    @Override
    public CompletionStage<byte[]> getBody() {
      return result;
    }

    @Override
    public void onSubscribe(Flow.Subscription s) {
      subscription = s;
      if (tooLargeUpFront) {
        s.cancel();
        result.completeExceptionally(new ResponseTooLargeException(max));
        return;
      }
      s.request(Long.MAX_VALUE);
    }

    @Override
    public void onNext(List<ByteBuffer> items) {
      if (result.isDone()) {
        return;
      }
      for (ByteBuffer b : items) {
        if (bytes.size() + (long) b.remaining() > max) {
          subscription.cancel();
          result.completeExceptionally(new ResponseTooLargeException(max));
          return;
        }
        byte[] chunk = new byte[b.remaining()];
        b.get(chunk);
        bytes.write(chunk, 0, chunk.length);
      }
    }

    @Override
    public void onError(Throwable t) {
      result.completeExceptionally(t);
    }

    @Override
    public void onComplete() {
      result.complete(bytes.toByteArray());
    }
  }
}
