package dev.mesoshealth.updaters.haproxy;

import java.io.IOException;
import java.util.List;

/**
 * One HAProxy as the updater sees it: its servers, and a way to change them. {@link RuntimeApi}
 * talks to a real one, {@link DryRunHaproxy} only says what it would change.
 */
public interface Haproxy {
  /** How logs and metrics name it (never its admin socket, which grants control of it). */
  String name();

  /** Every server of every backend, as HAProxy has them now. */
  List<ServerState> servers() throws IOException;

  /**
   * Applies one reconcile's actions in order.
   *
   * @return the actions that changed HAProxy (none in a dry run)
   */
  List<Action> apply(List<Action> actions) throws IOException;
}
