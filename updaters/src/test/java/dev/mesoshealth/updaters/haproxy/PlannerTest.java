package dev.mesoshealth.updaters.haproxy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mesoshealth.events.EndpointStatus;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The HAProxy plan for every kind of change, against hand-made live servers. */
class PlannerTest {
  private static final String WEB = "web_frontend_10001";
  private final Planner planner = new Planner(0.5);

  private static ServerState server(String name, String ip, int port, AdminState state) {
    return new ServerState(WEB, name, ip, port, state);
  }

  private static DesiredEndpoint endpoint(String task, int port, EndpointStatus status) {
    return new DesiredEndpoint(
        "/web/frontend|" + task, WEB, "10.0.0.1", port, status, List.of("because"));
  }

  private static List<ServerState> fourReady() {
    List<ServerState> live = new ArrayList<>();
    for (int i = 1; i <= 4; i++) {
      live.add(server("task" + i, "10.0.0.1", 31000 + i, AdminState.READY));
    }
    live.add(server("slot1", "0.0.0.0", 0, AdminState.MAINT));
    return live;
  }

  private static List<DesiredEndpoint> fourUp() {
    List<DesiredEndpoint> eps = new ArrayList<>();
    for (int i = 1; i <= 4; i++) {
      eps.add(endpoint("t" + i, 31000 + i, EndpointStatus.UP));
    }
    return eps;
  }

  private Planner.Plan plan(List<ServerState> live, List<DesiredEndpoint> desired) {
    return planner.plan(live, desired, Set.of(WEB), false);
  }

  private static List<String> commands(Planner.Plan p) {
    return p.actions().stream().map(Action::command).toList();
  }

  @Test
  void inStepMeansNothingToDo() {
    Planner.Plan p = plan(fourReady(), fourUp());

    assertThat(p.actions()).isEmpty();
    assertThat(p.held()).isEmpty();
    assertThat(p.withoutSlot()).isEmpty();
  }

  @Test
  void drainAndDownFollowTheEndpoints() {
    List<DesiredEndpoint> desired = fourUp();
    desired.set(0, endpoint("t1", 31001, EndpointStatus.DRAIN));
    desired.set(1, endpoint("t2", 31002, EndpointStatus.DOWN));

    assertThat(commands(plan(fourReady(), desired)))
        .containsExactly(
            "set server " + WEB + "/task2 state maint", "set server " + WEB + "/task1 state drain");
  }

  @Test
  void aRecoveredEndpointAndAHandMadeChangeAreSetReady() {
    List<ServerState> live = fourReady();
    live.set(2, server("task3", "10.0.0.1", 31003, AdminState.DRAIN)); // drained by hand

    assertThat(commands(plan(live, fourUp())))
        .containsExactly("set server " + WEB + "/task3 state ready");
  }

  @Test
  void aNewEndpointFillsAFreeSlot() {
    List<DesiredEndpoint> desired = fourUp();
    desired.add(endpoint("t5", 31005, EndpointStatus.UP));

    Planner.Plan p = plan(fourReady(), desired);

    assertThat(commands(p))
        .containsExactly(
            "set server " + WEB + "/slot1 addr 10.0.0.1 port 31005",
            "set server " + WEB + "/slot1 state ready");
    assertThat(p.actions().get(0).why()).contains("/web/frontend|t5");
  }

  @Test
  void withoutAFreeSlotANewEndpointIsReportedNotForced() {
    List<DesiredEndpoint> desired = fourUp();
    desired.add(endpoint("t5", 31005, EndpointStatus.UP));
    desired.add(endpoint("t6", 31006, EndpointStatus.UP));
    desired.add(endpoint("t7", 31007, EndpointStatus.DRAIN)); // needs no slot

    Planner.Plan p = plan(fourReady(), desired);

    assertThat(commands(p)).hasSize(2);
    assertThat(p.withoutSlot()).containsExactly(WEB + ": /web/frontend|t6 at 10.0.0.1:31006");
  }

  @Test
  void aServerWhoseTaskEndedGoesToMaintAndFreesItsSlot() {
    List<DesiredEndpoint> desired = fourUp();
    desired.remove(3); // t4 ended
    desired.add(endpoint("t9", 31009, EndpointStatus.UP));
    List<ServerState> live = fourReady();
    live.remove(4); // no template slot

    assertThat(commands(plan(live, desired)))
        .containsExactly(
            "set server " + WEB + "/task4 state maint",
            "set server " + WEB + "/task4 addr 10.0.0.1 port 31009",
            "set server " + WEB + "/task4 state ready");
  }

  @Test
  void theDrainLimitHoldsAndTakesTheSurestRemovalsFirst() {
    List<DesiredEndpoint> desired = new ArrayList<>();
    desired.add(endpoint("t1", 31001, EndpointStatus.DRAIN));
    desired.add(endpoint("t2", 31002, EndpointStatus.DRAIN));
    desired.add(endpoint("t3", 31003, EndpointStatus.DOWN));
    desired.add(endpoint("t4", 31004, EndpointStatus.UP));

    Planner.Plan p = plan(fourReady(), desired);

    // 50% of four servers: two may go; DOWN first, then the first DRAIN by name
    assertThat(commands(p))
        .containsExactly(
            "set server " + WEB + "/task3 state maint", "set server " + WEB + "/task1 state drain");
    assertThat(p.held()).hasSize(1);
    assertThat(p.held().get(0)).startsWith(WEB + "/task2 stays ready").contains("limit 50%");
  }

  @Test
  void serversAlreadyOutCountAgainstTheLimit() {
    List<ServerState> live = fourReady();
    live.set(0, server("task1", "10.0.0.1", 31001, AdminState.DRAIN));
    live.set(1, server("task2", "10.0.0.1", 31002, AdminState.DRAIN));
    List<DesiredEndpoint> desired = new ArrayList<>();
    desired.add(endpoint("t1", 31001, EndpointStatus.DRAIN));
    desired.add(endpoint("t2", 31002, EndpointStatus.DOWN)); // drain -> maint: still out
    desired.add(endpoint("t3", 31003, EndpointStatus.DRAIN));
    desired.add(endpoint("t4", 31004, EndpointStatus.UP));

    Planner.Plan p = plan(live, desired);

    assertThat(commands(p)).containsExactly("set server " + WEB + "/task2 state maint");
    assertThat(p.held()).singleElement().asString().startsWith(WEB + "/task3");
  }

  @Test
  void whileTheCollectorIsSuspectNothingChanges() {
    List<DesiredEndpoint> desired = fourUp();
    desired.replaceAll(
        e -> endpoint(e.key().substring(e.key().indexOf('|') + 1), e.port(), EndpointStatus.DOWN));

    Planner.Plan p = planner.plan(fourReady(), desired, Set.of(WEB), true);

    assertThat(p.frozen()).isTrue();
    assertThat(p.actions()).isEmpty();
  }

  @Test
  void backendsNoEndpointNamedAreNotOurs() {
    List<ServerState> live = new ArrayList<>(fourReady());
    live.add(new ServerState("stats", "s1", "10.0.0.9", 9000, AdminState.READY));

    Planner.Plan p = planner.plan(live, fourUp(), Set.of(WEB), false);

    assertThat(p.actions()).isEmpty();
  }

  @Test
  void aBackendWhoseTasksAllEndedIsTakenOutOfRotation() {
    Planner.Plan p = planner.plan(fourReady(), List.of(), Set.of(WEB), false);

    assertThat(commands(p))
        .containsExactly(
            "set server " + WEB + "/task1 state maint",
            "set server " + WEB + "/task2 state maint",
            "set server " + WEB + "/task3 state maint",
            "set server " + WEB + "/task4 state maint");
  }

  @Test
  void theRuntimeApiAnswerIsParsedByColumnName() throws Exception {
    String answer =
        "1\n"
            + "# be_id be_name srv_id srv_name srv_addr srv_op_state srv_admin_state srv_uweight"
            + " srv_iweight srv_time_since_last_change srv_check_status srv_check_result"
            + " srv_check_health srv_check_state srv_agent_state bk_f_forced_id srv_f_forced_id"
            + " srv_fqdn srv_port srvrecord srv_use_ssl srv_check_port srv_check_addr"
            + " srv_agent_addr srv_agent_port\n"
            + "3 web 1 task1 127.0.0.1 2 0 1 1 1 1 0 2 0 0 0 0 - 18081 - 0 0 - - 0\n"
            + "3 web 2 task2 127.0.0.1 2 8 1 1 1 1 0 2 0 0 0 0 - 18082 - 0 0 - - 0\n"
            + "3 web 3 slot1 0.0.0.0 0 5 1 1 1 1 0 0 8 0 0 0 - 0 - 0 0 - - 0\n"
            + "3 web 4 slot2 127.0.0.1 2 4 1 1 1 1 0 0 8 0 0 0 - 18083 - 0 0 - - 0\n";

    assertThat(RuntimeApi.parseServersState(answer))
        .containsExactly(
            new ServerState("web", "task1", "127.0.0.1", 18081, AdminState.READY),
            new ServerState("web", "task2", "127.0.0.1", 18082, AdminState.DRAIN),
            new ServerState("web", "slot1", "0.0.0.0", 0, AdminState.MAINT),
            // "disabled" in the configuration (0x04) but set ready since: in rotation
            new ServerState("web", "slot2", "127.0.0.1", 18083, AdminState.READY));
  }
}
