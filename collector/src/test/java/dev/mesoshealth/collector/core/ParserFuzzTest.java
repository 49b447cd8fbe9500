package dev.mesoshealth.collector.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import dev.mesoshealth.collector.Fixtures;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Seeded fuzzing of the parsers the collector feeds with what Mesos and Marathon answer: real
 * captured responses, mutated (bytes flipped, cut short, spliced, numbers turned into strings, deep
 * nesting, huge numbers), plus random JSON. Whatever comes in, a parser either returns or throws
 * its documented {@link InvalidResponseException}; nothing else escapes, and the memory it
 * allocates stays proportional to its input. A failure names the seed and case to replay it.
 */
class ParserFuzzTest {
  private static final long SEED = 20261125L;
  private static final int CASES_PER_PARSER = 3_000;
  private static final Instant AT = Instant.parse("2026-11-25T12:00:00Z");

  /** A parser under test: returns normally or throws the documented parse error. */
  private interface Parser {
    void parse(byte[] body) throws InvalidResponseException;
  }

  private static final List<String> SNAPSHOTS =
      List.of(
          "asgard-agent-1.4.1-metrics-snapshot.json",
          "asgard-master-1.4.1-metrics-snapshot.json",
          "megos-master-1.0-metrics-snapshot.json",
          "datadog-mesos_slave-metrics.json");

  @Test
  void snapshotParserOnlyEverRefusesWithItsParseError() {
    fuzz("snapshot", SNAPSHOTS, SnapshotParser::parse);
  }

  @Test
  void slavesParserOnlyEverRefusesWithItsParseError() {
    fuzz(
        "slaves",
        List.of("asgard-master-1.4.1-slaves.json"),
        body -> SlavesParser.parse(body, "fuzz", AT));
  }

  @Test
  void marathonParserOnlyEverRefusesWithItsParseError() {
    fuzz(
        "marathon",
        List.of(
            "asgard-marathon-v2-tasks.json",
            "marathon-lb-v2-apps-embed-tasks-marathon1.5.json",
            "marathon-lb-v2-apps-embed-tasks-health-2016.json"),
        body -> MarathonParser.parse(body, "fuzz", AT));
  }

  @Test
  void masterInfoParserOnlyEverRefusesWithItsParseError() {
    String info =
        "{\"address\":{\"hostname\":\"m1\",\"ip\":\"10.0.0.1\",\"port\":5050},"
            + "\"hostname\":\"m1\",\"id\":\"x\",\"ip\":16777226,\"pid\":\"master@10.0.0.1:5050\","
            + "\"port\":5050,\"version\":\"1.4.1\"}";
    Random random = new Random(SEED);
    byte[] seed = info.getBytes(StandardCharsets.UTF_8);
    for (int i = 0; i < CASES_PER_PARSER; i++) {
      byte[] body = mutate(seed, random);
      check("master-info", i, body, MasterInfoParser::address);
    }
  }

  @Test
  void deepNestingAndHugeValuesAreRefusedNotFatal() {
    byte[] deep =
        ("{\"a\":" + "[".repeat(200_000) + "]".repeat(200_000) + "}")
            .getBytes(StandardCharsets.UTF_8);
    byte[] longNumber =
        ("{\"slave/mem_total\":" + "9".repeat(100_000) + "}").getBytes(StandardCharsets.UTF_8);
    byte[] longKey = ("{\"" + "k".repeat(3_000_000) + "\":1}").getBytes(StandardCharsets.UTF_8);
    for (byte[] body : List.of(deep, longNumber, longKey)) {
      check("snapshot", -1, body, SnapshotParser::parse);
      check("slaves", -1, body, b -> SlavesParser.parse(b, "fuzz", AT));
      check("marathon", -1, body, b -> MarathonParser.parse(b, "fuzz", AT));
    }
  }

  @Test
  void memoryAllocatedStaysProportionalToTheInput() throws Exception {
    // the largest snapshot the collector accepts by default is 4 MiB; fill it with metrics
    StringBuilder b = new StringBuilder("{");
    int i = 0;
    while (b.length() < 4 * 1024 * 1024 - 64) {
      b.append(i == 0 ? "" : ",").append("\"slave/m").append(i++).append("\":").append(i * 1.5);
    }
    byte[] body = b.append('}').toString().getBytes(StandardCharsets.UTF_8);
    com.sun.management.ThreadMXBean threads =
        (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    long thread = Thread.currentThread().getId();
    SnapshotParser.parse(body); // warm up
    long before = threads.getThreadAllocatedBytes(thread);
    SnapshotParser.ParsedSnapshot parsed = SnapshotParser.parse(body);
    long allocated = threads.getThreadAllocatedBytes(thread) - before;

    assertThat(parsed.values()).hasSize(i);
    assertThat(allocated)
        .as("bytes allocated to parse a %d-byte snapshot of %d metrics", body.length, i)
        .isLessThan(64L * body.length);
  }

  // ------------------------------------------------------------------ the fuzzer

  private static void fuzz(String name, List<String> fixtures, Parser parser) {
    Random random = new Random(SEED ^ name.hashCode());
    List<byte[]> seeds = fixtures.stream().map(Fixtures::bytes).toList();
    int accepted = 0;
    for (int i = 0; i < CASES_PER_PARSER; i++) {
      byte[] body =
          i % 5 == 4
              ? randomJson(random, 0).getBytes(StandardCharsets.UTF_8)
              : mutate(seeds.get(random.nextInt(seeds.size())), random);
      accepted += check(name, i, body, parser) ? 1 : 0;
    }
    // a fuzzer whose cases all fail at the first byte tests nothing past it
    assertThat(accepted)
        .as("%s: cases accepted and refused", name)
        .isBetween(CASES_PER_PARSER / 20, CASES_PER_PARSER - CASES_PER_PARSER / 20);
  }

  /** True if the parser accepted the body, false if it refused it with its parse error. */
  private static boolean check(String name, int i, byte[] body, Parser parser) {
    try {
      parser.parse(body);
      return true;
    } catch (InvalidResponseException expected) {
      assertThat(expected.getMessage()).as("%s case %d: a message", name, i).isNotBlank();
      return false;
    } catch (Throwable e) {
      fail(
          name
              + " case "
              + i
              + " (seed "
              + SEED
              + "): "
              + e
              + " for input starting "
              + SnapshotParser.preview(body),
          e);
      return false;
    }
  }

  /** One to four random edits of a real response. */
  static byte[] mutate(byte[] seed, Random r) {
    String s = new String(seed, StandardCharsets.UTF_8);
    int edits = 1 + r.nextInt(4);
    for (int e = 0; e < edits && !s.isEmpty(); e++) {
      int at = r.nextInt(s.length());
      switch (r.nextInt(9)) {
        case 0 -> s = s.substring(0, at); // cut short
        case 1 -> { // flip a byte
          char[] c = s.toCharArray();
          c[at] = (char) r.nextInt(128);
          s = new String(c);
        }
        case 2 -> s = s.substring(0, at) + s.substring(Math.min(s.length(), at + r.nextInt(200)));
        case 3 -> { // splice a piece of itself somewhere else
          int from = r.nextInt(s.length());
          String piece = s.substring(from, Math.min(s.length(), from + r.nextInt(300)));
          s = s.substring(0, at) + piece + s.substring(at);
        }
        case 4 -> s = s.replaceFirst("(\\d+(\\.\\d+)?)", "\"$1\""); // a number as a string
        case 5 -> s = s.replaceFirst("\\d+(\\.\\d+)?", pick(r, NASTY_NUMBERS));
        case 6 -> s = s.replaceFirst("\"[^\"]*\"", pick(r, NASTY_VALUES));
        case 7 -> s = s.substring(0, at) + "[".repeat(r.nextInt(3000)) + s.substring(at);
        default -> s = s.substring(0, at) + randomJson(r, 0) + s.substring(at);
      }
    }
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private static final List<String> NASTY_NUMBERS =
      List.of(
          "NaN",
          "-Infinity",
          "1e999999",
          "-0",
          "0x1F",
          "9".repeat(400),
          "1.7976931348623157E309",
          "null",
          "true",
          "[]",
          "{}");

  private static final List<String> NASTY_VALUES =
      List.of(
          "null",
          "42",
          "[]",
          "{}",
          "\"\\ud800\"",
          "\"\\u0000\"",
          "\"" + "x".repeat(10_000) + "\"",
          "\"slave(1)@\"",
          "\"slave(1)@999.999.1.1:99999\"",
          "\"@:\"");

  private static String pick(Random r, List<String> options) {
    return options.get(r.nextInt(options.size()));
  }

  /** Random, mostly well-formed JSON of any shape, up to a few levels deep. */
  static String randomJson(Random r, int depth) {
    int kind = depth > 4 ? r.nextInt(4) : r.nextInt(6);
    return switch (kind) {
      case 0 -> Double.toString(r.nextGaussian() * Math.pow(10, r.nextInt(20)));
      case 1 -> "\"" + Long.toString(r.nextLong(), 36) + "\"";
      case 2 -> r.nextBoolean() ? "true" : "null";
      case 3 -> Integer.toString(r.nextInt());
      case 4 -> {
        StringBuilder b = new StringBuilder("[");
        for (int i = r.nextInt(5); i > 0; i--) {
          b.append(randomJson(r, depth + 1)).append(i > 1 ? "," : "");
        }
        yield b.append(']').toString();
      }
      default -> {
        StringBuilder b = new StringBuilder("{");
        String[] keys = {
          "slaves",
          "tasks",
          "apps",
          "id",
          "pid",
          "hostname",
          "resources",
          "used_resources",
          "attributes",
          "active",
          "slave/mem_total",
          "master/elected",
          "ports",
          "host",
          "state"
        };
        for (int i = r.nextInt(6); i > 0; i--) {
          b.append('"')
              .append(keys[r.nextInt(keys.length)])
              .append("\":")
              .append(randomJson(r, depth + 1))
              .append(i > 1 ? "," : "");
        }
        yield b.append('}').toString();
      }
    };
  }
}
