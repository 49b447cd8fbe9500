package dev.mesoshealth.console;

import dev.mesoshealth.testkit.Prerequisites;
import java.nio.file.Path;
import java.time.Duration;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
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
