package dev.mesoshealth.processor.capacity;

import dev.mesoshealth.events.AgentInventory;
import dev.mesoshealth.events.GroupKind;
import java.util.ArrayList;
import java.util.List;

/**
 * The capacity groups an agent belongs to: its cluster, its fault-domain zone, each role it holds a
 * reservation for, and each configured attribute's value. Ids read {@code <cluster>}, {@code
 * <cluster>/zone=<zone>}, {@code <cluster>/role=<role>}, {@code <cluster>/<attribute>=<value>}.
 */
public final class GroupIds {
  private GroupIds() {}

  /** A group and how it was chosen. */
  public record Group(String id, String cluster, GroupKind kind, String attribute, String value) {
    /** For role groups, the role; else null. */
    public String role() {
      return kind == GroupKind.ROLE ? value : null;
    }
  }

  public static List<Group> of(AgentInventory a, List<String> attributes) {
    String c = a.getCluster();
    List<Group> groups = new ArrayList<>();
    groups.add(new Group(c, c, GroupKind.CLUSTER, null, null));
    if (a.getZone() != null && !a.getZone().isBlank()) {
      groups.add(new Group(c + "/zone=" + a.getZone(), c, GroupKind.ZONE, null, a.getZone()));
    }
    for (String role : new java.util.TreeSet<>(a.getReservedByRole().keySet())) {
      groups.add(new Group(c + "/role=" + role, c, GroupKind.ROLE, null, role));
    }
    for (String attribute : attributes) {
      String v = a.getAttributes().get(attribute);
      if (v != null && !v.isBlank() && !attribute.equals("zone")) {
        groups.add(new Group(c + "/" + attribute + "=" + v, c, GroupKind.ATTRIBUTE, attribute, v));
      }
    }
    return groups;
  }

  /** Rebuilds a group from its id (the id carries everything). */
  public static Group parse(String id) {
    int slash = id.indexOf('/');
    if (slash < 0) {
      return new Group(id, id, GroupKind.CLUSTER, null, null);
    }
    String cluster = id.substring(0, slash);
    String rest = id.substring(slash + 1);
    int eq = rest.indexOf('=');
    String name = rest.substring(0, eq);
    String value = rest.substring(eq + 1);
    return switch (name) {
      case "zone" -> new Group(id, cluster, GroupKind.ZONE, null, value);
      case "role" -> new Group(id, cluster, GroupKind.ROLE, null, value);
      default -> new Group(id, cluster, GroupKind.ATTRIBUTE, name, value);
    };
  }
}
