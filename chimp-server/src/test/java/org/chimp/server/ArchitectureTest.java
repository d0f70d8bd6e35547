package org.chimp.server;

import static com.tngtech.archunit.base.DescribedPredicate.not;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAPackage;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.chimp.training.TrainingPlugin;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The module boundaries DESIGN.md states, checked on the main classes of every module (this module's tests see them
 * all): chimp-api stands alone, serving and training reach models only through it, training plugins see the
 * narrow tracking API of their TrainingContext, not the registry, the database or JDBC, and no production module
 * uses the benchmarks.
 */
class ArchitectureTest {
    private static JavaClasses main;
    private static JavaClasses services;
    private static JavaClasses all;

    @BeforeAll
    static void importMainClasses() {
        // Other modules' test-jars (chimp-api's hostile fixtures) are on this class path too: not main classes either.
        main = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .withImportOption(location -> !location.contains("-tests.jar")).importPackages(
                "org.chimp.api", "org.chimp.serving", "org.chimp.training", "org.chimp.emotion");
        services = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .withImportOption(location -> !location.contains("-tests.jar")).importPackages(
                "org.chimp.store", "org.chimp.tracking", "org.chimp.jobs", "org.chimp.chain", "org.chimp.db",
                "org.chimp.serving", "org.chimp.training", "org.chimp.models", "org.chimp.emotion", "org.chimp.web");
        // Not chimp-server: it is the composition root that puts every module's routes on one Javalin app.
        all = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .withImportOption(location -> !location.contains("-tests.jar")).importPackages("org.chimp");
    }

    @Test
    void noProductionModuleDependsOnTheBenchmarks() {
        noClasses().that().resideInAPackage("org.chimp..")
                .and().resideOutsideOfPackages("org.chimp.bench..", "org.chimp.server..")
                .should().dependOnClassesThat().resideInAPackage("org.chimp.bench..")
                .because("benchmarks live in chimp-bench, which only chimp-server's `chimp bench` commands load, so they "
                        + "stay out of the modules they measure")
                .check(all);
    }

    @Test
    void onlyHttpAdaptersUseHttpTypes() {
        noClasses().that().resideOutsideOfPackages("..http..", "org.chimp.tracking.mlflow..")
                .should().dependOnClassesThat().resideInAnyPackage("io.javalin..", "jakarta.servlet..", "org.eclipse.jetty..")
                .because("each module's HTTP adapter lives in its http subpackage (tracking's MLflow adapter in mlflow); "
                        + "domain and persistence code stays usable without a web server")
                .check(services);
    }

    @Test
    void onlyHttpAdaptersUseTheHttpModule() {
        noClasses().that().resideOutsideOfPackages("..http..", "org.chimp.tracking.mlflow..",
                        // The remote tracking client is tracking's outbound HTTP adapter: it reads the MLflow answers
                        // of another CHIMP with the JSON configuration that CHIMP's endpoints write them with.
                        "org.chimp.tracking.client..")
                .should().dependOnClassesThat(resideInAPackage("org.chimp.http..")
                        // Metric helpers (bounded tag values, the registry holder) serve domain timers as well as HTTP.
                        .and(not(resideInAPackage("org.chimp.http.metrics.."))))
                .because("persistence and domain code reads and writes its JSON without the HTTP module's types "
                        + "(JobStore keeps its own mapper); only the HTTP adapters speak HTTP")
                .check(services);
    }

    @Test
    void theModelInterfaceDependsOnNoOtherModule() {
        classes().that().resideInAPackage("org.chimp.api..")
                .should().onlyDependOnClassesThat().resideInAnyPackage("org.chimp.api..", "java..", "javax..", "com.fasterxml.jackson..")
                .because("a third party implements chimp-api alone, and it carries no I/O library")
                .check(main);
    }

    @Test
    void servingReachesModelsOnlyThroughTheModelInterface() {
        noClasses().that().resideInAPackage("org.chimp.serving..")
                .should().dependOnClassesThat().resideInAPackage("org.chimp.models..")
                .because("serving runs any task's models through chimp-api's Task, DataType and Model, so new tasks plug in "
                        + "without serving changing")
                .check(main);
    }

    @Test
    void trainingReachesModelsOnlyThroughTheModelInterface() {
        noClasses().that().resideInAPackage("org.chimp.training..")
                .should().dependOnClassesThat().resideInAPackage("org.chimp.models..")
                .because("training builds and checks models through chimp-api's Architectures")
                .check(main);
    }

    @Test
    void trainingPluginsSeeNeitherTheRegistryNorTheDatabase() {
        noClasses().that().resideInAnyPackage("org.chimp.training.imageclassifier..", "org.chimp.training.sample..")
                .or().implement(TrainingPlugin.class)
                .should().dependOnClassesThat().resideInAnyPackage("org.chimp.tracking.registry..", "java.sql..", "org.chimp.db..")
                .because("a plugin registers and promotes models through its TrainingContext, so the same calls can be "
                        + "served by another process")
                .check(main);
    }
}
