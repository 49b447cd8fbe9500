package dev.mesoshealth.updaters.haproxy;

import dev.mesoshealth.events.EndpointStatus;
import java.util.List;

/** What the processor says about one task's endpoint, as HAProxy needs it. */
public record DesiredEndpoint(
    String key, String backend, String ip, int port, EndpointStatus status, List<String> reasons) {

  public String addressAndPort() {
    return ip + ":" + port;
  }

  AdminState adminState() {
    return switch (status) {
      case UP -> AdminState.READY;
      case DRAIN -> AdminState.DRAIN;
      default -> AdminState.MAINT;
    };
  }

  String why() {
    return key + " " + status + (reasons.isEmpty() ? "" : " (" + String.join("; ", reasons) + ")");
  }
}
