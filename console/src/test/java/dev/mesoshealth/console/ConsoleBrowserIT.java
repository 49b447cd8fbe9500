package dev.mesoshealth.console;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mesoshealth.collector.CollectorConfig;
import dev.mesoshealth.collector.CollectorMain;
import dev.mesoshealth.processor.ProcessorConfig;
import dev.mesoshealth.processor.ProcessorMain;
import dev.mesoshealth.service.ServiceConfig;
import dev.mesoshealth.sim.SimConfig;
import dev.mesoshealth.sim.cluster.FaultKind;
import dev.mesoshealth.sim.cluster.FaultSpec;
import dev.mesoshealth.sim.cluster.SimAgent;
import dev.mesoshealth.testkit.EmbeddedKafkaBroker;
import dev.mesoshealth.testkit.KafkaBrokerExtension;
import dev.mesoshealth.testkit.Prerequisites;
import dev.mesoshealth.testkit.SimulatorExtension;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
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

  private static CollectorMain collector;
  private static ProcessorMain processor;
  private static ConsoleMain console;
  private static WebDriver browser;
  private static int consolePort;
  private static final Instant started = Instant.now();

  @BeforeAll
  static void start() throws Exception {
    Path chromium = Prerequisites.executable("chromium", "/usr/bin/chromium");
    Path driver = Prerequisites.executable("chromium-driver", "/usr/bin/chromedriver");

    Map<String, String> c = new HashMap<>();
    c.put("cluster.name", "web");
    c.put("mesos.masters", String.join(",", cluster.sim().masterUrls()));
    c.put("marathon.urls", cluster.sim().marathonUrl());
    c.put("poll.interval", "1s");
    c.put("inventory.interval", "1s");
    c.put("http.timeout", "600ms");
    c.put("kafka.bootstrap.servers", kafka.bootstrapServers());
    c.put("topics.partitions", "3");
    c.put("admin.port", "0");
    collector =
        CollectorMain.start(
            CollectorConfig.from(
                ServiceConfig.parse(
                    CollectorConfig.DEFINITION,
                    new ServiceConfig.Sources().flags(c),
                    CollectorConfig.PASS_THROUGH)));
    Map<String, String> p = new HashMap<>();
    p.put("kafka.bootstrap.servers", kafka.bootstrapServers());
    p.put("application.id", "console-it");
    p.put("poll.interval", "1s");
    p.put("topics.partitions", "3");
    p.put("api.port", "0");
    p.put("capacity.grace", "1s");
    p.put("state.dir", Files.createTempDirectory("console-it-").toString());
    processor =
        ProcessorMain.start(
            ProcessorConfig.from(
                ServiceConfig.parse(
                    ProcessorConfig.DEFINITION,
                    new ServiceConfig.Sources().flags(p),
                    ProcessorConfig.PASS_THROUGH)));
    consolePort = EmbeddedKafkaBroker.freePort();
    console = startConsole();

    ChromeOptions options = new ChromeOptions();
    options.setBinary(chromium.toFile());
    options.addArguments(
        "--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--window-size=1400,2000");
    ChromeDriverService service =
        new ChromeDriverService.Builder().usingDriverExecutable(driver.toFile()).build();
    browser = new ChromeDriver(service, options);
  }

  private static ConsoleMain startConsole() {
    Map<String, String> flags = new HashMap<>();
    flags.put("kafka.bootstrap.servers", kafka.bootstrapServers());
    flags.put("http.port", Integer.toString(consolePort));
    flags.put("processor.url", processor.apiUrl());
    flags.put("live.batch.interval", "200ms");
    return ConsoleMain.start(
        ConsoleConfig.from(
            ServiceConfig.parse(
                ConsoleConfig.DEFINITION,
                new ServiceConfig.Sources().flags(flags),
                ConsoleConfig.PASS_THROUGH)));
  }

  @AfterAll
  static void stop() {
    if (browser != null) {
      browser.quit();
    }
    for (AutoCloseable c : new AutoCloseable[] {console, collector, processor}) {
      try {
        if (c != null) {
          c.close();
        }
      } catch (Exception e) {
        // already closed by the test
      }
    }
  }

  /** The page redraws tiles as data arrives, so an element found a moment ago may be gone. */
  private static WebDriverWait waitUpTo(int seconds) {
    WebDriverWait wait =
        new WebDriverWait(browser, Duration.ofSeconds(seconds), Duration.ofMillis(100));
    wait.ignoring(StaleElementReferenceException.class);
    return wait;
  }

  private static void click(By what) {
    waitUpTo(5)
        .until(
            d -> {
              d.findElement(what).click();
              return true;
            });
  }

  /** Read in the page in one step, so a redraw cannot come in between. */
  private static String tileState(String agentId) {
    return (String)
        ((JavascriptExecutor) browser)
            .executeScript(
                "const t = document.querySelector(`#grid-inner .tile[data-id='${arguments[0]}']`);"
                    + " return t ? t.dataset.state : null;",
                agentId);
  }

  @Test
  void theLivePathFromAFaultToTheTileTheFeedAndTheDetail() throws Exception {
    browser.get(console.url());
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
    waitUpTo(5).until(d -> d.findElements(By.cssSelector("#grid-inner .tile")).size() == 1);
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
    waitUpTo(5)
        .until(
            d ->
                !d.findElement(By.cssSelector(".chart[data-resource='cpus'] .forecast"))
                    .getText()
                    .isEmpty());
    assertThat(browser.findElements(By.cssSelector("#capacity-shapes tbody tr"))).hasSize(3);
    assertThat(browser.findElements(By.cssSelector("#endpoints tbody tr.app"))).isNotEmpty();
    Path shot = Path.of("target", "console.png");
    Files.copy(
        ((ChromeDriver) browser).getScreenshotAs(OutputType.FILE).toPath(),
        shot,
        StandardCopyOption.REPLACE_EXISTING);
    System.out.println(
        "console: screenshot at "
            + shot.toAbsolutePath()
            + " ("
            + Duration.between(started, Instant.now()).toSeconds()
            + " s in)");

    // the console goes away: the page says so rather than pose as live; it comes back and catches
    // up
    console.close();
    waitUpTo(30).until(ExpectedConditions.visibilityOfElementLocated(By.id("banner")));
    assertThat(browser.findElement(By.id("banner")).getText()).startsWith("Disconnected since");
    console = startConsole();
    waitUpTo(30).until(ExpectedConditions.invisibilityOfElementLocated(By.id("banner")));
    waitUpTo(15).until(d -> "UNREACHABLE".equals(tileState(victim.id())));
    assertThat(browser.findElements(By.cssSelector("#grid-inner .tile"))).hasSize(AGENTS);
  }
}
