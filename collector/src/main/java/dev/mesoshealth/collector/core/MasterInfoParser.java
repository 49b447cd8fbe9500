package dev.mesoshealth.collector.core;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Reads a master's address from its ZooKeeper {@code json.info_<seq>} znode (MasterInfo as JSON).
 * Uses {@code address.ip} and {@code address.port}; the top-level {@code ip} is a byte-swapped
 * integer and is only a fallback, decoded as Mesos wrote it.
 */
public final class MasterInfoParser {
  private MasterInfoParser() {}

  /** host:port of the master. */
  public static String address(byte[] data) throws InvalidResponseException {
    JsonNode info = JsonBodies.object(data);
    JsonNode address = info.path("address");
    String ip = JsonBodies.text(address, "ip");
    int port = address.path("port").asInt(0);
    if (port == 0) {
      port = info.path("port").asInt(0);
    }
    if (ip == null || ip.isEmpty()) {
      JsonNode raw = info.get("ip");
      if (raw != null && raw.isNumber()) {
        long n = raw.asLong();
        ip =
            (n & 0xff)
                + "."
                + ((n >> 8) & 0xff)
                + "."
                + ((n >> 16) & 0xff)
                + "."
                + ((n >> 24) & 0xff);
      }
    }
    if (ip == null || port <= 0 || port > 65535) {
      throw new InvalidResponseException("MasterInfo without a usable address: " + info);
    }
    return ip + ":" + port;
  }
}
