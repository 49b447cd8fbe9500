package dev.mesoshealth.schemas.serde;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.Date;
import java.util.Map;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaAndValue;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.data.Timestamp;
import org.apache.kafka.connect.json.JsonConverter;
import org.junit.jupiter.api.Test;

class ConnectJsonSerdeTest {

  private static final Schema ROW =
      SchemaBuilder.struct()
          .name("test.Row")
          .field("node_id", Schema.STRING_SCHEMA)
          .field("minute", Timestamp.SCHEMA)
          .field("ratio", Schema.OPTIONAL_FLOAT64_SCHEMA)
          .build();

  @Test
  void connectsOwnConverterReadsWhatItWrites() {
    Struct row =
        new Struct(ROW).put("node_id", "a1").put("minute", new Date(60_000)).put("ratio", 0.25);
    byte[] bytes = new ConnectJsonSerde().serializer().serialize("t", row);

    assertThat(new String(bytes, StandardCharsets.UTF_8)).contains("\"schema\"", "\"payload\"");
    JsonConverter connect = new JsonConverter();
    connect.configure(Map.of("schemas.enable", "true"), false);
    SchemaAndValue read = connect.toConnectData("t", bytes);
    assertThat(read.schema()).isEqualTo(ROW);
    assertThat(read.value()).isEqualTo(row);
  }

  @Test
  void aRecordWithoutEmbeddedSchemaIsRefused() {
    byte[] bare = "{\"node_id\":\"a1\"}".getBytes(StandardCharsets.UTF_8);

    assertThatThrownBy(() -> new ConnectJsonSerde().deserializer().deserialize("t", bare))
        .isInstanceOf(RuntimeException.class)
        .hasMessageContaining("schema");
    assertThatThrownBy(
            () ->
                new ConnectJsonSerde()
                    .deserializer()
                    .deserialize("t", "\"x\"".getBytes(StandardCharsets.UTF_8)))
        .isInstanceOfAny(SerializationException.class, RuntimeException.class);
  }
}
