package dev.mesoshealth.collector.core;

import java.util.List;
import java.util.Optional;

/**
 * Who leads, from the masters' own {@code master/elected}: exactly one is the normal case; none and
 * two are health signals the events carry (each master's snapshot says whether it is elected).
 *
 * @param elected host:port of every master that reported itself elected, in poll order
 */
public record Leadership(List<String> elected) {
  public Leadership {
    elected = List.copyOf(elected);
  }

  public Optional<String> leader() {
    return elected.size() == 1 ? Optional.of(elected.get(0)) : Optional.empty();
  }

  public boolean noLeader() {
    return elected.isEmpty();
  }

  public boolean splitBrain() {
    return elected.size() > 1;
  }

  public String describe() {
    if (noLeader()) {
      return "no master reports itself elected";
    }
    if (splitBrain()) {
      return elected.size() + " masters claim leadership: " + String.join(", ", elected);
    }
    return "leader " + elected.get(0);
  }
}
