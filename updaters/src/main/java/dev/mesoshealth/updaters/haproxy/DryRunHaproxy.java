package dev.mesoshealth.updaters.haproxy;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An HAProxy read for real but never changed: each plan is logged as what would be done, once per
 * change of the plan rather than at every reconcile.
 */
public final class DryRunHaproxy implements Haproxy {
  private static final Logger log = LoggerFactory.getLogger(DryRunHaproxy.class);

  private final Haproxy real;
  private List<String> lastPlan;

  public DryRunHaproxy(Haproxy real) {
    this.real = real;
  }

  @Override
  public String name() {
    return real.name();
  }

  @Override
  public List<ServerState> servers() throws IOException {
    return real.servers();
  }

  @Override
  public synchronized List<Action> apply(List<Action> actions) {
    List<String> lines = new ArrayList<>();
    actions.forEach(a -> lines.add("would " + a.command() + " (" + a.why() + ")"));
    if (!lines.equals(lastPlan)) {
      lastPlan = lines;
      if (lines.isEmpty()) {
        log.info("{}: dry run: nothing to change", name());
      }
      lines.forEach(l -> log.info("{}: dry run: {}", name(), l));
    }
    return List.of();
  }
}
