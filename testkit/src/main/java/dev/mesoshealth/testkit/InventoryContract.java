package dev.mesoshealth.testkit;

import dev.mesoshealth.events.AgentInventory;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.io.JsonEncoder;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.avro.specific.SpecificDatumWriter;

/**
 * The inventory the collector makes of a real {@code /master/slaves} response (the asgard cluster,
 * Mesos 1.4.1, in every module's fixtures), one Avro JSON record per line. Both sides test against
 * it: the collector's parser test proves it produces exactly these records, the processor's
 * capacity tests consume them, so neither module needs the other to test the contract between them.
 */
public final class InventoryContract {
  /** The file, on the classpath; {@code testkit/src/main/resources} in the tree. */
  public static final String RESOURCE = "contracts/asgard-master-1.4.1-inventory.json";

  /** The cluster name and observation time the records were made with. */
  public static final String CLUSTER = "asgard";

  public static final Instant OBSERVED_AT = Instant.parse("2026-11-25T12:00:00Z");

  private InventoryContract() {}

  /** The records, as observed at {@code at} instead of {@link #OBSERVED_AT}. */
  public static List<AgentInventory> asgard(Instant at) {
    List<AgentInventory> agents = new ArrayList<>();
    try (InputStream in = InventoryContract.class.getClassLoader().getResourceAsStream(RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException(RESOURCE + " is not on the classpath");
      }
      SpecificDatumReader<AgentInventory> reader = new SpecificDatumReader<>(AgentInventory.class);
      for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
        if (!line.isBlank()) {
          AgentInventory a =
              reader.read(null, DecoderFactory.get().jsonDecoder(AgentInventory.SCHEMA$, line));
          a.setObservedAt(at);
          agents.add(a);
        }
      }
      return agents;
    } catch (IOException e) {
      throw new UncheckedIOException(RESOURCE + ": " + e.getMessage(), e);
    }
  }

  /** The file's text for these records (to compare with, or to rewrite it). */
  public static String render(List<AgentInventory> agents) {
    try {
      StringBuilder text = new StringBuilder();
      SpecificDatumWriter<AgentInventory> writer = new SpecificDatumWriter<>(AgentInventory.class);
      for (AgentInventory a : agents) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        JsonEncoder encoder = EncoderFactory.get().jsonEncoder(AgentInventory.SCHEMA$, out);
        writer.write(a, encoder);
        encoder.flush();
        text.append(out.toString(StandardCharsets.UTF_8).strip()).append('\n');
      }
      return text.toString();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
