package dev.mesoshealth.schemas.serde;

import java.util.Map;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.connect.data.SchemaAndValue;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.json.JsonConverter;
import org.apache.kafka.connect.json.JsonConverterConfig;
import org.apache.kafka.connect.storage.ConverterType;

/**
 * Connect structs as JSON with the schema embedded in every record ({@code {"schema": ...,
 * "payload": ...}}): what Kafka Connect's {@link JsonConverter} with {@code schemas.enable=true}
 * reads without a schema registry. The BI feed topics use it so any sink connector can load them.
 */
public final class ConnectJsonSerde implements Serde<Struct> {

  private final JsonConverter converter = new JsonConverter();

  public ConnectJsonSerde() {
    converter.configure(
        Map.of(
            JsonConverterConfig.SCHEMAS_ENABLE_CONFIG,
            "true",
            JsonConverterConfig.TYPE_CONFIG,
            ConverterType.VALUE.getName()));
  }

  @Override
  public Serializer<Struct> serializer() {
    return (topic, struct) ->
        struct == null ? null : converter.fromConnectData(topic, struct.schema(), struct);
  }

  @Override
  public Deserializer<Struct> deserializer() {
    return (topic, bytes) -> {
      if (bytes == null) {
        return null;
      }
      SchemaAndValue decoded = converter.toConnectData(topic, bytes);
      if (!(decoded.value() instanceof Struct struct)) {
        throw new SerializationException(topic + ": not a JSON struct with an embedded schema");
      }
      return struct;
    };
  }
}
