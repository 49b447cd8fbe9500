package dev.mesoshealth.collector.core;

/**
 * Which agents this collector polls when several share a cluster: shard {@code i} of {@code n}
 * polls the agents whose id hashes to {@code i}. Shard 0 also polls masters, inventory and
 * Marathon.
 */
public record Shard(int index, int count) implements AgentShare {
  public static final Shard ALL = new Shard(0, 1);

  public Shard {
    if (count < 1 || index < 0 || index >= count) {
      throw new IllegalArgumentException(
          "shard must be i/n with 0 <= i < n, got " + index + "/" + count);
    }
  }

  /** Parses "i/n". */
  public static Shard parse(String text) {
    String[] parts = text == null ? new String[0] : text.trim().split("/");
    if (parts.length != 2) {
      throw new IllegalArgumentException("shard must look like i/n (e.g. 0/4), got '" + text + "'");
    }
    try {
      return new Shard(Integer.parseInt(parts[0].trim()), Integer.parseInt(parts[1].trim()));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("shard must look like i/n (e.g. 0/4), got '" + text + "'");
    }
  }

  @Override
  public boolean accepts(String agentId) {
    return count == 1 || slot(agentId, count) == index;
  }

  /** Which of {@code count} slots an agent belongs to: the same in every collector. */
  public static int slot(String agentId, int count) {
    return Math.floorMod(mix(agentId.hashCode()), count);
  }

  @Override
  public boolean pollsMasters() {
    return index == 0;
  }

  /** Spreads String.hashCode (stable across JVMs by spec) over all bits. */
  static int mix(int h) {
    h ^= h >>> 16;
    h *= 0x85ebca6b;
    h ^= h >>> 13;
    h *= 0xc2b2ae35;
    h ^= h >>> 16;
    return h;
  }

  @Override
  public String toString() {
    return index + "/" + count;
  }
}
