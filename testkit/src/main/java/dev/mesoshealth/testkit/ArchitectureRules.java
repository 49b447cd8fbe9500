package dev.mesoshealth.testkit;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import java.nio.file.Path;

/**
 * The layout rules every module keeps: its packages import each other without loops, and its pure
 * packages (the logic a unit test can drive without a broker, a socket or a JSON document) import
 * neither Kafka, nor an HTTP stack, nor Jackson's parsers and mappers (its annotations, which only
 * say how a record is written, are allowed).
 */
public final class ArchitectureRules {
  /** What a pure package may not use. */
  private static final String[] IO = {
    "org.apache.kafka..",
    "kafka..",
    "com.fasterxml.jackson.core..",
    "com.fasterxml.jackson.databind..",
    "com.fasterxml.jackson.dataformat..",
    "java.net.http..",
    "com.sun.net.httpserver..",
    "io.etcd..",
    "org.apache.curator..",
    "org.apache.zookeeper..",
    "java.sql.."
  };

  private ArchitectureRules() {}

  /** The module's production classes under {@code basePackage} (its target/classes alone). */
  public static JavaClasses productionClasses(String basePackage) {
    return new ClassFileImporter()
        .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
        .importPath(Path.of("target", "classes"))
        .that(JavaClass.Predicates.resideInAPackage(basePackage + ".."));
  }

  /** Fails if the packages directly below {@code basePackage} import each other in a loop. */
  public static void assertNoPackageCycles(String basePackage) {
    slices()
        .matching(basePackage + ".(*)..")
        .should()
        .beFreeOfCycles()
        .check(productionClasses(basePackage));
  }

  /** Fails if a class in one of {@code purePackages} uses Kafka, HTTP, Jackson or other I/O. */
  public static void assertPure(String basePackage, String... purePackages) {
    String[] patterns = new String[purePackages.length];
    for (int i = 0; i < purePackages.length; i++) {
      patterns[i] = purePackages[i] + "..";
    }
    noClasses()
        .that()
        .resideInAnyPackage(patterns)
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage(IO)
        .because("pure logic is driven by unit tests without a broker, a socket or a document")
        .check(productionClasses(basePackage));
  }
}
