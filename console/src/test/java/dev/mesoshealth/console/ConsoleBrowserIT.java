package dev.mesoshealth.console;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mesoshealth.events.HealthState;
import dev.mesoshealth.events.NodeRef;
import dev.mesoshealth.events.NodeRole;
import dev.mesoshealth.schemas.topics.Topics;
import dev.mesoshealth.sim.SimConfig;
import dev.mesoshealth.sim.cluster.FaultKind;
import dev.mesoshealth.sim.cluster.FaultRecord;
import dev.mesoshealth.sim.cluster.FaultSpec;
import dev.mesoshealth.sim.cluster.SimAgent;
import dev.mesoshealth.testkit.KafkaBrokerExtension;
import dev.mesoshealth.testkit.SampleEvents;
import dev.mesoshealth.testkit.SimulatorExtension;
import dev.mesoshealth.testkit.TopicProbe;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The live path in a real browser: Debian's chromium (headless, through chromium-driver) opens a
 * console fed by a real broker, the simulator, the collector and the processor. An agent failure
 * injected in the simulator turns its tile within seconds without a reload; the transitions feed
 * shows it; the detail view explains it; the capacity chart renders once the first one-minute
 * window closes; a console restart shows a "disconnected" banner and then catches up. A screenshot
 * is left at target/console.png for a person to look at.
 */
class ConsoleBrowserIT {
  private static final int AGENTS = 20;

  @RegisterExtension static final KafkaBrokerExtension kafka = new KafkaBrokerExtension();

  @RegisterExtension
  static final SimulatorExtension cluster =
      new SimulatorExtension(SimConfig.forTests(3, AGENTS, 17).withCluster("web"));

  private static LivePipeline pipeline;
  private static HeadlessChromium chromium;
  private static WebDriver browser;
  private static final Instant started = Instant.now();

  @BeforeAll
  static void start() throws Exception {
    chromium = new HeadlessChromium();
    browser = chromium.driver;
    pipeline = new LivePipeline(kafka.bootstrapServers(), cluster.sim(), "web");
  }

  @AfterAll
  static void stop() {
    if (chromium != null) {
      chromium.close();
    }
    if (pipeline != null) {
      pipeline.close();
    }
  }

  private static WebDriverWait waitUpTo(int seconds) {
    return chromium.waitUpTo(seconds);
  }

  private static void click(By what) {
    // live updates re-render the tiles: retry until a click lands (long on a loaded machine)
    waitUpTo(15)
        .until(
            d -> {
              d.findElement(what).click();
              return true;
            });
  }

  private static String tileState(String agentId) {
    return chromium.tileState(agentId);
  }

  @Test
  void theLivePathFromAFaultToTheTileTheFeedAndTheDetail() throws Exception {
    browser.get(pipeline.console.url());
    waitUpTo(60)
        .withMessage("a tile for every agent, all HEALTHY")
        .until(
            d ->
                d.findElements(By.cssSelector("#grid-inner .tile[data-state='HEALTHY']")).size()
                    == AGENTS);
    waitUpTo(30)
        .until(ExpectedConditions.attributeToBe(By.id("cluster-state"), "data-state", "HEALTHY"));
    assertThat(browser.findElement(By.id("leader")).getText()).startsWith("leader: 127.0.1.");
    assertThat(browser.findElements(By.cssSelector("#masters tbody tr"))).hasSize(3);
    // every tile says its state with a glyph as well as a colour
    waitUpTo(5)
        .until(d -> d.findElement(By.cssSelector("#grid-inner .tile")).getText().equals("✓"));

    ((JavascriptExecutor) browser).executeScript("window.__sameDocument = true;");
    SimAgent victim = cluster.sim().cluster().agents().get(4);
    Instant injected = Instant.now();
    FaultRecord down =
        cluster
            .sim()
            .inject(new FaultSpec(FaultKind.DOWN, victim.id(), Duration.ofMinutes(10), Map.of()));

    waitUpTo(15)
        .withMessage("the victim's tile turns UNREACHABLE")
        .until(d -> "UNREACHABLE".equals(tileState(victim.id())));
    Duration seen = Duration.between(injected, Instant.now());
    System.out.println("console: fault to tile in " + seen.toMillis() + " ms (poll interval 1s)");
    assertThat(
            ((JavascriptExecutor) browser).executeScript("return window.__sameDocument === true;"))
        .as("no reload")
        .isEqualTo(true);
    waitUpTo(5)
        .until(
            ExpectedConditions.presenceOfElementLocated(
                By.cssSelector(
                    "#transitions li[data-node='" + victim.id() + "'][data-to='UNREACHABLE']")));

    // filter by state: only the victim is left
    browser.findElement(By.cssSelector("#state-filters .chip[data-state='UNREACHABLE']")).click();
    waitUpTo(5)
        .withMessage(() -> "only the victim's tile, filtered; the grid: " + chromium.tiles())
        .until(d -> d.findElements(By.cssSelector("#grid-inner .tile")).size() == 1);
    browser.findElement(By.cssSelector("#state-filters .chip[data-state='UNREACHABLE']")).click();

    // the detail view explains it, with the processor's history of the last hour
    click(By.cssSelector("#grid-inner .tile[data-id='" + victim.id() + "']"));
    waitUpTo(10)
        .until(
            ExpectedConditions.textToBePresentInElementLocated(
                By.id("detail-body"), "poll(s) in a row failed"));
    waitUpTo(10)
        .until(
            ExpectedConditions.presenceOfElementLocated(By.cssSelector("#detail-body svg.spark")));
    waitUpTo(5)
        .until(d -> d.findElement(By.id("detail-body")).getText().contains(victim.hostname()));

    // capacity: the first one-minute window closes about a minute after the start
    waitUpTo(100)
        .withMessage("the capacity chart of the cluster")
        .until(ExpectedConditions.presenceOfElementLocated(By.cssSelector("#chart-cpus polyline")));
    // live updates re-render the chart: on a loaded machine its text can take a while to settle
    waitUpTo(20)
        .until(
            d ->
                !d.findElement(By.cssSelector(".chart[data-resource='cpus'] .forecast"))
                    .getText()
                    .isEmpty());
    assertThat(browser.findElements(By.cssSelector("#capacity-shapes tbody tr"))).hasSize(3);
    assertThat(browser.findElements(By.cssSelector("#endpoints tbody tr.app"))).isNotEmpty();
    Path shot = Path.of("target", "console.png");
    Files.copy(
        chromium.driver.getScreenshotAs(OutputType.FILE).toPath(),
        shot,
        StandardCopyOption.REPLACE_EXISTING);
    System.out.println(
        "console: screenshot at "
            + shot.toAbsolutePath()
            + " ("
            + Duration.between(started, Instant.now()).toSeconds()
            + " s in)");

    // the console goes away: the page says so rather than pose as live; while it is away the
    // victim recovers and another agent goes down; it comes back and catches up on both
    pipeline.stopConsole();
    waitUpTo(30).until(ExpectedConditions.visibilityOfElementLocated(By.id("banner")));
    assertThat(browser.findElement(By.id("banner")).getText()).startsWith("Disconnected since");
    SimAgent second = cluster.sim().cluster().agents().get(7);
    cluster.sim().clear(down.id());
    cluster
        .sim()
        .inject(new FaultSpec(FaultKind.DOWN, second.id(), Duration.ofMinutes(10), Map.of()));
    await("the pipeline has both changes while the console is away")
        .atMost(Duration.ofSeconds(30))
        .until(
            () ->
                "HEALTHY".equals(nodeState(victim.id()))
                    && "UNREACHABLE".equals(nodeState(second.id())));
    assertThat(tileState(victim.id()))
        .as("a page cut off shows what it last knew")
        .isEqualTo("UNREACHABLE");

    pipeline.startConsoleAgain();
    waitUpTo(30).until(ExpectedConditions.invisibilityOfElementLocated(By.id("banner")));
    waitUpTo(15)
        .withMessage(
            () ->
                "the page caught up on what happened while the console was away: "
                    + chromium.diagnose(victim.id(), second.id()))
        .until(
            d ->
                "HEALTHY".equals(tileState(victim.id()))
                    && "UNREACHABLE".equals(tileState(second.id())));
    waitUpTo(5)
        .until(
            ExpectedConditions.presenceOfElementLocated(
                By.cssSelector(
                    "#transitions li[data-node='" + second.id() + "'][data-to='UNREACHABLE']")));
    assertThat(browser.findElements(By.cssSelector("#grid-inner .tile"))).hasSize(AGENTS);

    // the schema lets a node come without a host name (another producer's, an older one's): the
    // page names it by its id (sorting by host name threw, and the page stopped drawing)
    HealthState nameless = SampleEvents.healthState("nameless-agent");
    nameless.setNode(new NodeRef("web", NodeRole.AGENT, "nameless-agent", null, null));
    TopicProbe.produce(
        kafka.bootstrapServers(),
        Topics.HEALTH_STATES,
        List.of(Map.entry("nameless-agent", nameless)));
    waitUpTo(10).until(d -> "UNHEALTHY".equals(tileState("nameless-agent")));
    assertThat(chromium.scriptErrors()).as("errors the page's scripts ran into").isEmpty();
  }

  /** A node's state as the processor answers it, or null. */
  private static String nodeState(String id) throws Exception {
    HttpResponse<String> r =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(
                        URI.create(pipeline.processor.apiUrl() + "/v1/nodes/" + id + "/health"))
                    .header("Authorization", "Bearer " + LivePipeline.PROCESSOR_TOKEN)
                    .build(),
                HttpResponse.BodyHandlers.ofString());
    if (r.statusCode() != 200) {
      return null;
    }
    return new ObjectMapper().readTree(r.body()).path("state").asText(null);
  }
}
