package dev.mesoshealth.collector.core;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mesoshealth.events.AgentInventory;
import dev.mesoshealth.events.PortRange;
import dev.mesoshealth.events.Resources;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Parses the leading master's {@code /master/slaves} into one {@link AgentInventory} per agent. An
 * entry without an id is skipped and named; the rest are kept. Agents a newly elected master knows
 * only from its registry ({@code recovered_slaves}: id, hostname, port, attributes) come apart:
 * they are still in the cluster, re-registering, and must not be taken for gone.
 */
public final class SlavesParser {

  /**
   * The agents read, those the master is waiting for after a failover (marked recovering, with no
   * resources: SlaveInfo has none to show), and what was skipped and why.
   */
  public record ParsedSlaves(
      List<AgentInventory> agents, List<AgentInventory> recovered, List<String> skipped) {}

  private SlavesParser() {}

  public static ParsedSlaves parse(byte[] body, String cluster, Instant observedAt)
      throws InvalidResponseException {
    JsonNode root = JsonBodies.object(body);
    JsonNode slaves = root.get("slaves");
    if (slaves == null || !slaves.isArray()) {
      throw new InvalidResponseException("no 'slaves' array in /master/slaves");
    }
    List<AgentInventory> agents = new ArrayList<>(slaves.size());
    List<String> skipped = new ArrayList<>();
    int index = 0;
    for (JsonNode s : slaves) {
      String id = JsonBodies.text(s, "id");
      if (!s.isObject() || id == null || id.isBlank()) {
        skipped.add("entry " + index + " has no id");
      } else {
        agents.add(agent(s, id, cluster, observedAt));
      }
      index++;
    }
    List<AgentInventory> recovered = new ArrayList<>();
    index = 0;
    for (JsonNode s : root.path("recovered_slaves")) {
      String id = JsonBodies.text(s, "id");
      if (!s.isObject() || id == null || id.isBlank()) {
        skipped.add("recovered entry " + index + " has no id");
      } else {
        AgentInventory a = agent(s, id, cluster, observedAt);
        a.setRecovering(true);
        a.setActive(true); // not inactive: not heard from by this leader yet
        recovered.add(a);
      }
      index++;
    }
    return new ParsedSlaves(agents, recovered, skipped);
  }

  private static AgentInventory agent(JsonNode s, String id, String cluster, Instant observedAt) {
    String pid = JsonBodies.text(s, "pid");
    String hostname = JsonBodies.text(s, "hostname");
    String address = addressOf(pid);
    if (address == null && hostname != null) {
      int port = (int) JsonBodies.number(s, "port");
      address = hostname + ":" + (port == 0 ? 5051 : port);
    }
    JsonNode drain = s.get("drain_info");
    JsonNode domain = s.path("domain").path("fault_domain");
    Map<String, Resources> reserved = new LinkedHashMap<>();
    JsonNode reservedNode = s.get("reserved_resources");
    if (reservedNode != null && reservedNode.isObject()) {
      for (Map.Entry<String, JsonNode> role : reservedNode.properties()) {
        reserved.put(role.getKey(), resources(role.getValue()));
      }
    }
    List<String> capabilities = new ArrayList<>();
    for (JsonNode c : s.path("capabilities")) {
      capabilities.add(c.asText());
    }
    return AgentInventory.newBuilder()
        .setCluster(cluster)
        .setAgentId(id)
        .setHostname(hostname == null ? id : hostname)
        .setAddress(address)
        .setPid(pid)
        .setActive(s.path("active").asBoolean(false))
        .setDeactivated(s.path("deactivated").asBoolean(false))
        .setDrainState(drain != null && drain.isObject() ? JsonBodies.text(drain, "state") : null)
        .setRegisteredAt(JsonBodies.epochSeconds(s, "registered_time"))
        .setReregisteredAt(JsonBodies.epochSeconds(s, "reregistered_time"))
        .setVersion(JsonBodies.text(s, "version"))
        .setAttributes(attributes(s.get("attributes")))
        .setRegion(JsonBodies.text(domain.path("region"), "name"))
        .setZone(JsonBodies.text(domain.path("zone"), "name"))
        .setTotal(resources(s.get("resources")))
        .setUsed(resources(s.get("used_resources")))
        .setOffered(resources(s.get("offered_resources")))
        .setUnreserved(
            resources(
                s.has("unreserved_resources") ? s.get("unreserved_resources") : s.get("resources")))
        .setReservedByRole(reserved)
        .setCapabilities(capabilities)
        .setObservedAt(observedAt)
        .build();
  }

  /** {@code slave(1)@10.0.0.1:5051} -> {@code 10.0.0.1:5051}; null when absent or unparsable. */
  public static String addressOf(String pid) {
    if (pid == null) {
      return null;
    }
    int at = pid.lastIndexOf('@');
    String address = at < 0 ? null : pid.substring(at + 1);
    return address == null || address.indexOf(':') <= 0 ? null : address;
  }

  private static Map<String, String> attributes(JsonNode node) {
    Map<String, String> out = new LinkedHashMap<>();
    if (node != null && node.isObject()) {
      for (Map.Entry<String, JsonNode> a : node.properties()) {
        JsonNode v = a.getValue();
        out.put(
            a.getKey(),
            v.isNumber() && v.asDouble() == Math.rint(v.asDouble())
                ? Long.toString(v.asLong())
                : v.isValueNode() ? v.asText() : v.toString());
      }
    }
    return out;
  }

  static Resources resources(JsonNode node) {
    if (node == null || !node.isObject()) {
      return Resources.newBuilder().build();
    }
    return Resources.newBuilder()
        .setCpus(JsonBodies.number(node, "cpus"))
        .setMemMb(JsonBodies.number(node, "mem"))
        .setDiskMb(JsonBodies.number(node, "disk"))
        .setGpus(JsonBodies.number(node, "gpus"))
        .setPorts(ports(JsonBodies.text(node, "ports")))
        .build();
  }

  /** "[31000-32000, 33000-33010]" -> ranges; anything unparsable is left out. */
  static List<PortRange> ports(String text) {
    List<PortRange> ranges = new ArrayList<>();
    if (text == null) {
      return ranges;
    }
    String inner = text.replace("[", "").replace("]", "");
    for (String part : inner.split(",")) {
      String p = part.trim();
      int dash = p.indexOf('-');
      if (dash <= 0) {
        continue;
      }
      try {
        long begin = Long.parseLong(p.substring(0, dash).trim());
        long end = Long.parseLong(p.substring(dash + 1).trim());
        if (begin <= end) {
          ranges.add(new PortRange(begin, end));
        }
      } catch (NumberFormatException e) {
        // a range Mesos would not write: leave it out
      }
    }
    return ranges;
  }
}
