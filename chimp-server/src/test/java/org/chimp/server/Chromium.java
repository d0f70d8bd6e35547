package org.chimp.server;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

/**
 * Debian's headless Chromium and its driver for the browser tests: one place that decides whether the browser is
 * there (skip, or fail under CHIMP_REQUIRE_SERVICES=1) and how it is started.
 */
final class Chromium {
    private static final Path BINARY = Path.of("/usr/bin/chromium");
    private static final Path DRIVER = Path.of("/usr/bin/chromedriver");

    private Chromium() {
    }

    /** Skips the test without Chromium and chromedriver, or fails it when CHIMP_REQUIRE_SERVICES=1. */
    static void require() {
        require(Files.isExecutable(BINARY) && Files.isExecutable(DRIVER), "Chromium and chromedriver (apt install chromium chromium-driver)");
    }

    /** Skips the test when something it needs is missing, or fails it when CHIMP_REQUIRE_SERVICES=1. */
    static void require(boolean present, String what) {
        if (!present && "1".equals(System.getenv("CHIMP_REQUIRE_SERVICES"))) {
            throw new IllegalStateException(what + " is required (CHIMP_REQUIRE_SERVICES=1) but missing");
        }
        assumeTrue(present, what + " is missing");
    }

    /** Headless options with the test's own arguments (window size, profile, fake camera) added. */
    static ChromeOptions options(String... arguments) {
        ChromeOptions options = new ChromeOptions();
        options.setBinary(BINARY.toFile());
        options.addArguments("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu");
        options.addArguments(arguments);
        return options;
    }

    static ChromeDriver start(ChromeOptions options) {
        // The driver is named, so Selenium Manager never looks for (or downloads) one.
        ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(DRIVER.toFile())
                .usingAnyFreePort().build();
        return new ChromeDriver(service, options);
    }
}
