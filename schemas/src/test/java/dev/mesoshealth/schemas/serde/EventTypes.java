package dev.mesoshealth.schemas.serde;

import dev.mesoshealth.events.AgentInventory;
import dev.mesoshealth.events.CapacityTrend;
import dev.mesoshealth.events.DeadLetter;
import dev.mesoshealth.events.EndpointHealth;
import dev.mesoshealth.events.HealthState;
import dev.mesoshealth.events.HealthTransition;
import dev.mesoshealth.events.MetricSnapshot;
import dev.mesoshealth.events.TaskInventory;
import java.util.List;
import org.apache.avro.specific.SpecificRecord;

/** Every record type that travels on a topic, i.e. every record with a released history. */
final class EventTypes {
  static final List<Class<? extends SpecificRecord>> ALL =
      List.of(
          MetricSnapshot.class,
          AgentInventory.class,
          TaskInventory.class,
          HealthState.class,
          HealthTransition.class,
          CapacityTrend.class,
          EndpointHealth.class,
          DeadLetter.class);

  private EventTypes() {}
}
