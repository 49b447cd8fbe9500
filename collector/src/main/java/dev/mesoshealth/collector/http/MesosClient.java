package dev.mesoshealth.collector.http;

import dev.mesoshealth.collector.core.PollResult;
import java.net.URI;
import java.util.concurrent.CompletableFuture;

/** Fetches one Mesos or Marathon URL; the future never fails: failures are PollResults too. */
public interface MesosClient {
  CompletableFuture<PollResult> get(URI uri, long maxBytes);
}
