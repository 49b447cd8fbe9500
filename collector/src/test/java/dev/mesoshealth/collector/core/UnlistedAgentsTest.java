package dev.mesoshealth.collector.core;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mesoshealth.events.AgentInventory;
import dev.mesoshealth.events.Resources;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class UnlistedAgentsTest {
  private static final Instant T0 = Instant.parse("2026-12-06T10:00:00Z");
  private final UnlistedAgents unlisted = new UnlistedAgents(Duration.ofMinutes(10));

  private static AgentInventory agent(String id, Instant at) {
    Resources none = Resources.newBuilder().build();
    return AgentInventory.newBuilder()
        .setCluster("c")
        .setAgentId(id)
        .setHostname("h-" + id)
        .setAddress("10.0.0.1:5051")
        .setActive(true)
        .setTotal(none)
        .setUsed(none)
        .setOffered(none)
        .setUnreserved(none)
        .setObservedAt(at)
        .build();
  }

  @Test
  void anAgentThatLeavesTheListIsKeptFlaggedUntilItsRetentionEnds() {
    unlisted.update(List.of(agent("a", T0), agent("b", T0)), Set.of(), T0);

    List<AgentInventory> round =
        unlisted.update(List.of(agent("a", T0)), Set.of(), T0.plusSeconds(30));

    assertThat(round)
        .singleElement()
        .satisfies(
            b -> {
              assertThat(b.getAgentId()).isEqualTo("b");
              assertThat(b.getUnlistedSince()).isEqualTo(T0.plusSeconds(30));
              assertThat(b.getActive()).isFalse();
              assertThat(b.getAddress()).isEqualTo("10.0.0.1:5051");
              assertThat(b.getObservedAt()).isEqualTo(T0.plusSeconds(30));
            });
    assertThat(unlisted.contains("b")).isTrue();

    Instant later = T0.plusSeconds(30).plus(Duration.ofMinutes(9));
    assertThat(unlisted.update(List.of(agent("a", later)), Set.of(), later))
        .singleElement()
        .satisfies(b -> assertThat(b.getUnlistedSince()).isEqualTo(T0.plusSeconds(30)));

    Instant over = T0.plusSeconds(30).plus(Duration.ofMinutes(10));
    assertThat(unlisted.update(List.of(agent("a", over)), Set.of(), over)).isEmpty();
    assertThat(unlisted.contains("b")).isFalse();
  }

  @Test
  void anAgentListedAgainIsNoLongerUnlisted() {
    unlisted.update(List.of(agent("a", T0)), Set.of(), T0);
    unlisted.update(List.of(), Set.of(), T0.plusSeconds(30));

    assertThat(unlisted.update(List.of(agent("a", T0)), Set.of(), T0.plusSeconds(60))).isEmpty();
    assertThat(unlisted.contains("a")).isFalse();
  }

  @Test
  void anAgentANewLeaderKnewOnlyFromItsRegistryAndDroppedIsNotUnlisted() {
    unlisted.update(List.of(agent("a", T0)), Set.of(), T0);
    unlisted.update(List.of(), Set.of("a"), T0.plusSeconds(30)); // failover: recovered

    // the new leader removed it (never re-registered): gone, a tombstone, not unlisted
    assertThat(unlisted.update(List.of(), Set.of(), T0.plusSeconds(700))).isEmpty();
    assertThat(unlisted.contains("a")).isFalse();
  }

  @Test
  void aCollectorStartingLateRecallsWhatTheOthersPublished() {
    AgentInventory gone =
        AgentInventory.newBuilder(agent("gone", T0))
            .setActive(false)
            .setUnlistedSince(T0.minusSeconds(60))
            .build();
    unlisted.recall(List.of(gone, agent("left", T0), agent("stays", T0)));

    List<AgentInventory> first =
        unlisted.update(List.of(agent("stays", T0)), Set.of(), T0.plusSeconds(10));

    assertThat(first)
        .as("unlisted before this collector started, and unlisted since it did")
        .extracting(AgentInventory::getAgentId, AgentInventory::getUnlistedSince)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple("gone", T0.minusSeconds(60)),
            org.assertj.core.groups.Tuple.tuple("left", T0.plusSeconds(10)));
    assertThat(first).allSatisfy(a -> assertThat(a.getAddress()).isEqualTo("10.0.0.1:5051"));
    assertThat(unlisted.contains("gone")).isTrue();
    // the retention counts from when the master stopped listing it, not from this start
    Instant over = T0.minusSeconds(60).plus(Duration.ofMinutes(10));
    assertThat(unlisted.update(List.of(agent("stays", over)), Set.of(), over))
        .extracting(AgentInventory::getAgentId)
        .containsExactly("left");
  }

  @Test
  void aRoundReadBeforeTheLeaderRemovedAnAgentDoesNotListItAgain() {
    unlisted.update(List.of(agent("a", T0), agent("b", T0)), Set.of(), T0);
    Instant removed = T0.plusSeconds(30);
    assertThat(unlisted.removedNow("a", removed)).isNotNull();

    // a round whose read began a second before the AGENT_REMOVED came, still listing it
    List<AgentInventory> stale =
        unlisted.update(List.of(agent("a", T0), agent("b", T0)), Set.of(), removed.minusSeconds(1));

    assertThat(stale)
        .singleElement()
        .satisfies(
            a -> {
              assertThat(a.getAgentId()).isEqualTo("a");
              assertThat(a.getUnlistedSince()).isEqualTo(removed);
              assertThat(a.getActive()).isFalse();
            });
    assertThat(unlisted.contains("a")).as("its listed entry is stale").isTrue();
    // a round read after the removal that lists it: it came back (re-registered)
    assertThat(
            unlisted.update(
                List.of(agent("a", T0), agent("b", T0)), Set.of(), removed.plusSeconds(5)))
        .isEmpty();
    assertThat(unlisted.contains("a")).isFalse();
  }

  @Test
  void aRecoveredAgentRemovedWhileARoundListsItReregisteredIsUnlisted() {
    unlisted.update(List.of(agent("a", T0)), Set.of(), T0);
    unlisted.update(List.of(), Set.of("a"), T0.plusSeconds(10)); // failover: recovered
    Instant removed = T0.plusSeconds(20);
    // not listed since the failover: nothing to publish yet, the round under way will
    assertThat(unlisted.removedNow("a", removed)).isNull();

    assertThat(unlisted.update(List.of(agent("a", T0)), Set.of(), removed.minusMillis(500)))
        .singleElement()
        .satisfies(a -> assertThat(a.getUnlistedSince()).isEqualTo(removed));
  }
}
