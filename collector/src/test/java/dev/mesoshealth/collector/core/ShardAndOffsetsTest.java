package dev.mesoshealth.collector.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class ShardAndOffsetsTest {
  @Test
  void shardsSplitAgentsEvenlyAndExactlyOnce() {
    int n = 4;
    int[] counts = new int[n];
    for (int i = 0; i < 20_000; i++) {
      String id = "2084863b-12d1-4319-b515-992eab91a53d-S" + i;
      int owners = 0;
      for (int s = 0; s < n; s++) {
        if (new Shard(s, n).accepts(id)) {
          counts[s]++;
          owners++;
        }
      }
      assertThat(owners).isEqualTo(1);
    }
    for (int c : counts) {
      assertThat(c).isBetween(4_500, 5_500);
    }
  }

  @Test
  void shardParsesAndRefusesNonsense() {
    assertThat(Shard.parse("2/5")).isEqualTo(new Shard(2, 5));
    assertThat(Shard.parse("0/1").pollsMasters()).isTrue();
    assertThat(Shard.parse("1/2").pollsMasters()).isFalse();
    assertThatThrownBy(() -> Shard.parse("5/5")).hasMessageContaining("0 <= i < n");
    assertThatThrownBy(() -> Shard.parse("half")).hasMessageContaining("i/n");
  }

  @Test
  void offsetsSpreadPollsEvenlyOverTheInterval() {
    Duration interval = Duration.ofSeconds(10);
    int[] perSecond = new int[10];
    for (int i = 0; i < 10_000; i++) {
      Duration offset = PollOffsets.offset("agent-S" + i, interval);
      assertThat(offset).isBetween(Duration.ZERO, interval);
      perSecond[(int) offset.toSeconds()]++;
    }
    for (int c : perSecond) {
      assertThat(c).as("polls in one second of ten").isBetween(900, 1_100);
    }
  }

  @Test
  void anAgentKeepsItsOffset() {
    assertThat(PollOffsets.offset("S42", Duration.ofSeconds(10)))
        .isEqualTo(PollOffsets.offset("S42", Duration.ofSeconds(10)));
  }
}
