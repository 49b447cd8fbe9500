package dev.mesoshealth.processor.it;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mesoshealth.processor.ProcessorConfig;
import dev.mesoshealth.processor.ProcessorMain;
import dev.mesoshealth.schemas.topics.Topics;
import dev.mesoshealth.service.ConfigException;
import dev.mesoshealth.testkit.ItFlags;
import dev.mesoshealth.testkit.KafkaBrokerExtension;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * An agent inventory topic with another partition count than the snapshots' (a client created it by
 * accident, with the broker's num.partitions): the processor would judge every agent twice, once
 * without data, so it refuses to start and says what to do.
 */
class CoPartitioningIT {
  @RegisterExtension static final KafkaBrokerExtension kafka = new KafkaBrokerExtension();

  @Test
  void snapshotsAndInventoryOnDifferentPartitionCountsAreRefused() {
    kafka.createTopics(List.of(Topics.METRIC_SNAPSHOTS), 3);
    kafka.createTopics(List.of(Topics.AGENT_INVENTORY), 1);

    assertThatThrownBy(
            () ->
                ProcessorMain.start(
                        ProcessorConfig.fromFlags(
                            ItFlags.processor("co-partitioning", kafka.bootstrapServers())))
                    .close())
        .isInstanceOf(ConfigException.class)
        .hasMessageStartingWith(
            "mesos.inventory.agents has 1 partition(s) and mesos.metrics.snapshots 3: ")
        .hasMessageContaining("restart a collector");
  }
}
