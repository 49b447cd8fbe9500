package dev.mesoshealth.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mesoshealth.schemas.metrics.MetricCatalogue;
import dev.mesoshealth.schemas.metrics.MetricDefinition;
import dev.mesoshealth.service.ConfigDocs;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * The README and the documents in docs/ stay true: the configuration tables, the commands they
 * show, the seed metrics' uses, and the links between them.
 */
class ReadmeTest {
  private static final Path README = Path.of("..", "README.md");
  private static final Path DOCS = Path.of("..", "docs");
  private static final Pattern GENERATED =
      Pattern.compile(
          "<!-- generated: bin/mesos-health config (\\S+) -->\\n(.*?)<!-- end generated -->",
          Pattern.DOTALL);

  private static String readme() throws IOException {
    return Files.readString(README);
  }

  private static String doc(String name) throws IOException {
    return Files.readString(DOCS.resolve(name));
  }

  /** The README and every document, one after the other. */
  private static String everything() throws IOException {
    StringBuilder all = new StringBuilder(readme());
    try (var files = Files.list(DOCS)) {
      for (Path p : files.filter(f -> f.toString().endsWith(".md")).sorted().toList()) {
        all.append('\n').append(Files.readString(p));
      }
    }
    return all.toString();
  }

  @Test
  void everyServiceHasItsConfigurationTableAndEachIsCurrent() throws IOException {
    Matcher m = GENERATED.matcher(doc("configuration.md"));
    List<String> documented = new ArrayList<>();
    while (m.find()) {
      String service = m.group(1);
      documented.add(service);
      assertThat(ConfigCommand.SERVICES).containsKey(service);
      assertThat(m.group(2))
          .as(
              "docs/configuration.md's table for %s is out of date: replace it with the output of"
                  + " 'bin/mesos-health config %s'",
              service, service)
          .isEqualTo(ConfigDocs.markdownTable(ConfigCommand.SERVICES.get(service).definition()));
    }
    assertThat(documented).containsExactlyInAnyOrderElementsOf(ConfigCommand.SERVICES.keySet());
  }

  @Test
  void theTwoCommandsAreThere() throws IOException {
    assertThat(readme())
        .contains("```sh\nbin/mesos-health demo\n```", "```sh\n./mvnw -B -T 2 verify\n```");
  }

  @Test
  void everyCommandLineShownParses() throws IOException {
    Matcher m =
        Pattern.compile("(?m)^(?:\\| `)?bin/mesos-health ([^`\\n#|]+)").matcher(everything());
    int checked = 0;
    while (m.find()) {
      String line = m.group(1).trim();
      if (line.contains("<") || line.contains("...")) {
        continue; // a placeholder, not a command line
      }
      String[] args = line.split("\\s+");
      new CommandLine(new MesosHealthCli()).parseArgs(args);
      checked++;
    }
    assertThat(checked).isGreaterThanOrEqualTo(1);
    // every subcommand the CLI has is described
    String text = readme();
    for (String name : new CommandLine(new MesosHealthCli()).getSubcommands().keySet()) {
      if (!Arrays.asList("help", "config").contains(name)) {
        assertThat(text).as("README describes '%s'", name).contains("mesos-health " + name);
      }
    }
  }

  @Test
  void everySeedMetricHasAUseOrAReasonInTheRulesSection() throws IOException {
    String readme = doc("health-rules.md");
    int from = readme.indexOf("<!-- seed metrics -->");
    int to = readme.indexOf("<!-- end seed metrics -->");
    assertThat(from).as("the seed metrics table in docs/health-rules.md").isPositive();
    Map<String, String> use = new java.util.HashMap<>();
    for (String row : readme.substring(from, to).split("\n")) {
      String[] cells = row.split("\\|");
      if (cells.length < 3) {
        continue;
      }
      Matcher names = Pattern.compile("`(mesos\\.[a-z0-9_.]+)`").matcher(cells[1]);
      while (names.find()) {
        use.put(names.group(1), cells[2].trim());
      }
    }
    List<String> missing = new ArrayList<>();
    for (MetricDefinition d : MetricCatalogue.standard().definitions()) {
      if (d.listed()
          && (use.get(d.canonicalName()) == null || use.get(d.canonicalName()).isEmpty())) {
        missing.add(d.canonicalName());
      }
    }
    assertThat(missing)
        .as("seed metrics with neither a use nor a reason in docs/health-rules.md")
        .isEmpty();
  }

  @Test
  void theReadmeFitsAndEveryLinkBetweenTheDocumentsLands() throws IOException {
    assertThat(Files.size(README))
        .as("README.md stays what a new user reads first")
        .isLessThan(15_000);
    List<Path> pages = new ArrayList<>(List.of(README));
    try (var files = Files.list(DOCS)) {
      files.filter(f -> f.toString().endsWith(".md")).forEach(pages::add);
    }
    Pattern link = Pattern.compile("\\]\\(([^)#\\s]*)(?:#([^)\\s]*))?\\)");
    List<String> broken = new ArrayList<>();
    for (Path page : pages) {
      Matcher m = link.matcher(Files.readString(page));
      while (m.find()) {
        String file = m.group(1);
        String anchor = m.group(2);
        if (file.startsWith("http")) {
          continue;
        }
        Path target = file.isEmpty() ? page : page.resolveSibling(file).normalize();
        if (!Files.exists(target)) {
          broken.add(page.getFileName() + ": " + m.group());
        } else if (anchor != null
            && !Files.isDirectory(target)
            && !anchors(target).contains(anchor)) {
          broken.add(page.getFileName() + ": " + m.group() + " (no such heading)");
        }
      }
    }
    assertThat(broken).isEmpty();
  }

  /** The anchors of a markdown file's headings, as GitHub makes them. */
  private static List<String> anchors(Path page) throws IOException {
    List<String> out = new ArrayList<>();
    for (String line : Files.readAllLines(page)) {
      Matcher h = Pattern.compile("^#{1,6} (.*)").matcher(line);
      if (h.matches()) {
        out.add(
            h.group(1)
                .trim()
                .toLowerCase(java.util.Locale.ROOT)
                .replaceAll("[^\\w\\- ]", "")
                .replace(' ', '-'));
      }
    }
    return out;
  }
}
