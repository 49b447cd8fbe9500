package dev.mesoshealth.service;

import java.lang.management.ManagementFactory;

/** The process's open-files limit, which bounds the connections a service may keep open. */
public final class OpenFiles {
  private OpenFiles() {}

  /** {@code ulimit -n} of this process, or 4,096 where the JVM cannot tell. */
  public static long limit() {
    return ManagementFactory.getOperatingSystemMXBean()
            instanceof com.sun.management.UnixOperatingSystemMXBean unix
        ? unix.getMaxFileDescriptorCount()
        : 4096;
  }
}
