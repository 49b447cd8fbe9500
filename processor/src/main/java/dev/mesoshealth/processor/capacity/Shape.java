package dev.mesoshealth.processor.capacity;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** A reference task shape: how many of these still fit is the capacity question people ask. */
public record Shape(String name, double cpus, double memMb, double diskMb) {

  public static final List<Shape> DEFAULTS =
      List.of(
          new Shape("small", 0.5, 512, 1024),
          new Shape("medium", 2, 4096, 10_240),
          new Shape("large", 8, 32_768, 51_200));

  /** Parses "name:cpus:memMb:diskMb,..." (e.g. "small:0.5:512:1024"). */
  public static List<Shape> parseAll(String text) {
    List<Shape> shapes = new ArrayList<>();
    for (String part : text.split(",")) {
      String p = part.trim();
      if (p.isEmpty()) {
        continue;
      }
      String[] f = p.split(":");
      if (f.length != 4) {
        throw new IllegalArgumentException(
            "task shape must be name:cpus:memMb:diskMb, got '" + p + "'");
      }
      try {
        Shape s =
            new Shape(
                f[0], Double.parseDouble(f[1]), Double.parseDouble(f[2]), Double.parseDouble(f[3]));
        if (s.cpus <= 0 || s.memMb < 0 || s.diskMb < 0) {
          throw new NumberFormatException();
        }
        shapes.add(s);
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("task shape '" + p + "' needs positive numbers");
      }
    }
    if (shapes.isEmpty()) {
      throw new IllegalArgumentException("at least one task shape is needed");
    }
    return shapes;
  }

  /** Whole tasks of this shape that fit in the free resources of one agent. */
  public long fits(double freeCpus, double freeMem, double freeDisk) {
    double n = Math.floor(freeCpus / cpus + 1e-9);
    if (memMb > 0) {
      n = Math.min(n, Math.floor(freeMem / memMb + 1e-9));
    }
    if (diskMb > 0) {
      n = Math.min(n, Math.floor(freeDisk / diskMb + 1e-9));
    }
    return Math.max(0, (long) n);
  }

  @Override
  public String toString() {
    return String.format(Locale.ROOT, "%s:%s:%s:%s", name, cpus, memMb, diskMb);
  }
}
