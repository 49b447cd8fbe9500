package dev.mesoshealth.console;

import dev.mesoshealth.testkit.Prerequisites;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.logging.Level;
import java.util.stream.Collectors;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.support.ui.WebDriverWait;

/** Debian's chromium, headless, driven through chromium-driver; a missing one fails the test. */
final class HeadlessChromium implements AutoCloseable {
  final ChromeDriver driver;

  HeadlessChromium() {
    Path chromium = Prerequisites.executable("chromium", "/usr/bin/chromium");
    Path chromedriver = Prerequisites.executable("chromium-driver", "/usr/bin/chromedriver");
    ChromeOptions options = new ChromeOptions();
    options.setBinary(chromium.toFile());
    options.addArguments(
        "--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--window-size=1400,2000");
    // the page's own errors, so a failed wait can say what the page ran into
    options.setCapability("goog:loggingPrefs", Map.of(LogType.BROWSER, "ALL"));
    driver =
        new ChromeDriver(
            new ChromeDriverService.Builder().usingDriverExecutable(chromedriver.toFile()).build(),
            options);
  }

  /** The page redraws tiles as data arrives, so an element found a moment ago may be gone. */
  WebDriverWait waitUpTo(int seconds) {
    WebDriverWait wait =
        new WebDriverWait(driver, Duration.ofSeconds(seconds), Duration.ofMillis(100));
    wait.ignoring(StaleElementReferenceException.class);
    return wait;
  }

  /** An agent's tile state, read in the page in one step so a redraw cannot come in between. */
  String tileState(String agentId) {
    return (String)
        ((JavascriptExecutor) driver)
            .executeScript(
                "const t = document.querySelector(`#grid-inner .tile[data-id='${arguments[0]}']`);"
                    + " return t ? t.dataset.state : null;",
                agentId);
  }

  /**
   * What the page holds for these agents (its model and its tiles), its live connection, and what
   * it logged: for the message of a wait that failed.
   */
  String diagnose(String... agentIds) {
    Object page =
        ((JavascriptExecutor) driver)
            .executeScript(
                "return JSON.stringify({connection: source && source.readyState, dirty: dirty,"
                    + " nodes: S.nodes.size, agents: arguments[0].map((id) => [id,"
                    + " (S.nodes.get(id) || {}).state, (document.querySelector("
                    + "`#grid-inner .tile[data-id='${id}']`) || {dataset: {}}).dataset.state])});",
                List.of(agentIds));
    String logged =
        browserLog().stream()
            .map(e -> e.getLevel() + " " + e.getMessage())
            .collect(Collectors.joining("; "));
    return "page " + page + "; browser log: " + (logged.isEmpty() ? "(empty)" : logged);
  }

  /** The tiles the grid shows, as id=state. */
  String tiles() {
    return String.valueOf(
        ((JavascriptExecutor) driver)
            .executeScript(
                "return [...document.querySelectorAll('#grid-inner .tile')]"
                    + ".map((t) => t.dataset.id + '=' + t.dataset.state).join(', ');"));
  }

  /** What the page's scripts reported as errors (network errors left out: the tests cause them). */
  List<String> scriptErrors() {
    return browserLog().stream()
        .filter(e -> e.getLevel().intValue() >= Level.SEVERE.intValue())
        .map(e -> e.getMessage())
        .filter(m -> !m.contains("net::ERR_"))
        .toList();
  }

  /** What the page logged since the last time it was asked (each read takes the entries). */
  private List<LogEntry> browserLog() {
    return driver.manage().logs().get(LogType.BROWSER).getAll();
  }

  /** The banner's text, or null while it is hidden. */
  String banner() {
    return (String)
        ((JavascriptExecutor) driver)
            .executeScript(
                "const b = document.getElementById('banner'); return b.hidden ? null : b.textContent;");
  }

  @Override
  public void close() {
    driver.quit();
  }
}
