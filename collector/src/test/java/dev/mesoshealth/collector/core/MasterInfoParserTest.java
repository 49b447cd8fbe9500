package dev.mesoshealth.collector.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class MasterInfoParserTest {
  @Test
  void usesTheAddressBlock() throws Exception {
    String info =
        "{\"address\":{\"hostname\":\"m1\",\"ip\":\"10.0.4.7\",\"port\":5050},\"hostname\":\"m1\",\"id\":\"x\","
            + "\"ip\":117702666,\"pid\":\"master@10.0.4.7:5050\",\"port\":5050,\"version\":\"1.9.0\"}";

    assertThat(MasterInfoParser.address(info.getBytes(StandardCharsets.UTF_8)))
        .isEqualTo("10.0.4.7:5050");
  }

  @Test
  void decodesTheByteSwappedIpWhenTheAddressBlockIsMissing() throws Exception {
    // 10.0.4.7 as Mesos writes it: the network-order bytes read as a little-endian int
    long ip = 10L | (0L << 8) | (4L << 16) | (7L << 24);

    assertThat(
            MasterInfoParser.address(
                ("{\"ip\":" + ip + ",\"port\":5050}").getBytes(StandardCharsets.UTF_8)))
        .isEqualTo("10.0.4.7:5050");
  }

  @Test
  void noAddressIsInvalid() {
    assertThatThrownBy(
            () ->
                MasterInfoParser.address("{\"hostname\":\"m1\"}".getBytes(StandardCharsets.UTF_8)))
        .isInstanceOf(InvalidResponseException.class);
  }
}
