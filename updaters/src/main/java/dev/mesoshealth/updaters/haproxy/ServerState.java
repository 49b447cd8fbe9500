package dev.mesoshealth.updaters.haproxy;

/**
 * One server of one backend as {@code show servers state} reports it.
 *
 * @param address IPv4/IPv6 address, "0.0.0.0" for an empty server-template slot
 */
public record ServerState(String backend, String name, String address, int port, AdminState state) {

  /** A server-template slot that was never given an address. */
  public boolean unset() {
    return address.equals("0.0.0.0") || address.equals("::") || port == 0;
  }

  public String addressAndPort() {
    return address + ":" + port;
  }

  public String id() {
    return backend + "/" + name;
  }
}
