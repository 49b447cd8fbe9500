package dev.mesoshealth.updaters.haproxy;

/** A server's administrative state as the Runtime API sets it ({@code set server ... state}). */
public enum AdminState {
  READY,
  DRAIN,
  MAINT;

  // srv_admin_state bits (haproxy src/server.h): forced, inherited and resolution maintenance;
  // forced and inherited drain. CMAINT (0x04, "disabled" in the configuration) alone does not
  // keep a server out once it has been set ready.
  private static final int MAINT_BITS = 0x01 | 0x02 | 0x20;
  private static final int DRAIN_BITS = 0x08 | 0x10;

  static AdminState fromBits(int adminState) {
    if ((adminState & MAINT_BITS) != 0) {
      return MAINT;
    }
    return (adminState & DRAIN_BITS) != 0 ? DRAIN : READY;
  }

  /** The word for {@code set server <b>/<s> state <word>}. */
  String command() {
    return name().toLowerCase(java.util.Locale.ROOT);
  }
}
