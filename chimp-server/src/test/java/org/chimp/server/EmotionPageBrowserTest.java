package org.chimp.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.chimp.server.ApiClient.Reply;
import org.chimp.server.node.Role;
import org.chimp.training.sample.SyntheticFaces;
import org.chimp.training.sample.SyntheticFaces.Expression;
import org.chimp.web.identity.UserRole;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The emotion page in Debian's headless Chromium with a fake camera showing a synthetic face whose expression
 * changes every second: sign in, see the main face's percentages appear and change and which model answers,
 * record a calibration, follow its task, and be answered by the personal model; then say "that's wrong" once.
 * Screenshots go to {@code target/emotion-page-*.png}. Skipped without Chromium, its driver or OpenCV's face
 * cascade, unless CHIMP_REQUIRE_SERVICES=1.
 */
@Tag("slow")
class EmotionPageBrowserTest {
    private static final String TOKEN = "emotion-page-test-token-0123456789";
    private static final Path CASCADE = Path.of("/usr/share/opencv4/haarcascades/haarcascade_frontalface_default.xml");
    private static final String PASSWORD = "alice's long password";

    @TempDir
    Path dir;
    private StandaloneFixture chimp;
    private WebDriver browser;

    @BeforeEach
    void start() throws IOException {
        Chromium.require();
        Chromium.require(Files.isRegularFile(CASCADE), "OpenCV's face cascade (apt install opencv-data)");
        chimp = StandaloneFixture.start(dir, TOKEN);
    }

    @AfterEach
    void stop() {
        if (browser != null) {
            browser.quit();
        }
        if (chimp != null) {
            chimp.close();
        }
    }

    @Test
    void signInWatchTheEmotionsCalibrateAndBeAnsweredByAPersonalModel() throws Exception {
        trainProductionModel();
        chimp.node().services().identity().users().add("alice", UserRole.USER, PASSWORD);
        Path video = FakeCamera.write(dir.resolve("camera.y4m"), List.of(Expression.HAPPY, Expression.SAD, Expression.SURPRISE), 10);
        browser = chromium(video);
        String base = "http://127.0.0.1:" + chimp.node().port(Role.SERVING);

        // Not signed in: the page sends the browser to the login form.
        browser.get(base + "/");
        assertThat(browser.getCurrentUrl()).endsWith("/login");
        browser.findElement(By.name("username")).sendKeys("alice");
        browser.findElement(By.name("password")).sendKeys(PASSWORD);
        browser.findElement(By.cssSelector("button[type=submit]")).click();
        wait(Duration.ofSeconds(60)).until(b -> b.getPageSource().contains("Signed in as"));
        browser.findElement(By.linkText("Open the emotion page")).click();

        // The main face's percentages appear, and change with the expression; Production answers.
        Map<String, String> first = wait(Duration.ofSeconds(120)).until(b -> percentages().isEmpty() ? null : percentages());
        assertThat(first.keySet()).containsExactlyInAnyOrder("angry", "happy", "neutral", "sad", "surprise");
        screenshot("live");
        Map<String, String> changed = wait(Duration.ofSeconds(60)).until(b -> {
            Map<String, String> now = percentages();
            return !now.isEmpty() && !now.equals(first) ? now : null;
        });
        assertThat(changed).isNotEqualTo(first);
        WebElement model = browser.findElement(By.id("model"));
        assertThat(model.getText()).contains("Production model answers: emotion version 1");
        assertThat(model.getDomAttribute("data-personal")).isEqualTo("false");

        // Calibration: two seconds per emotion, then the task's progress, then the personal version answers.
        WebElement seconds = browser.findElement(By.id("seconds"));
        seconds.clear();
        seconds.sendKeys("2");
        wait(Duration.ofSeconds(60)).until(b -> b.findElement(By.id("calibrate")).isEnabled());
        browser.findElement(By.id("calibrate")).click();
        wait(Duration.ofSeconds(60)).until(b -> b.findElement(By.id("prompt")).getText().startsWith("Show "));
        screenshot("recording");
        // The task's progress ("Task running: 40% ..."), or already its end when it ran between two polls; a failure
        // stops the wait at once with the page's reason.
        String progress = wait(Duration.ofSeconds(240)).until(b -> {
            String text = b.findElement(By.id("task")).getText();
            return text.startsWith("Task ") || text.startsWith("Personal version") || text.startsWith("Your personal model")
                    || text.startsWith("Calibration failed") ? text : null;
        });
        screenshot("training");
        assertThat(progress).as("the calibration task").doesNotStartWith("Calibration failed");
        wait(Duration.ofMinutes(4)).until(b -> "true".equals(b.findElement(By.id("task")).getDomAttribute("data-personal"))
                || b.findElement(By.id("task")).getText().startsWith("Calibration failed"));
        assertThat(browser.findElement(By.id("task")).getText()).contains("Your personal model (version 2) answers now");
        wait(Duration.ofSeconds(60)).until(b -> "true".equals(b.findElement(By.id("model")).getDomAttribute("data-personal")));
        assertThat(browser.findElement(By.id("model")).getText()).contains("Your personal model answers: emotion version 2");
        screenshot("personal");

        // What was recorded: a new version of alice's calibration dataset, with a held-out split; her personal version.
        JsonNode calibration = chimp.api().get("/datasets/calibration-alice/versions/1").json();
        assertThat(calibration.at("/splits/train").size()).as(calibration.toString()).isGreaterThanOrEqualTo(2);
        assertThat(calibration.at("/splits/test").isObject()).as(calibration.toString()).isTrue();
        assertThat(calibration.get("created_by").asText()).isEqualTo("alice");
        int counted = 0;
        for (WebElement cell : browser.findElements(By.cssSelector("#counts td[data-label]"))) {
            counted += Integer.parseInt(cell.getText());
        }
        assertThat((long) counted).isEqualTo(calibration.get("files").asLong());

        // "That's wrong": the main face goes to the corrections dataset with the right label.
        browser.findElement(By.id("wrong")).click();
        browser.findElement(By.cssSelector("#choices button[data-label=neutral]")).click();
        wait(Duration.ofSeconds(60)).until(b -> b.findElement(By.id("correction-status")).getText().contains("corrections@1"));
        JsonNode files = chimp.api().get("/datasets/corrections/versions/1/files").json().get("files");
        assertThat(files.get(0).get("path").asText()).startsWith("train/neutral/");
        screenshot("corrected");
    }

    private void trainProductionModel() throws Exception {
        Path faces = dir.resolve("faces.zip");
        SyntheticFaces.writeZip(faces, 16, 4, 7);
        Reply up = chimp.api().postFile("/datasets", faces, Map.of("dataset_name", "faces"));
        assertThat(up.status()).as(up.text()).isEqualTo(200);
        Reply run = chimp.api().postForm("/tasks/run/emotion-cnn", Map.of("datasets", "{\"train\": \"faces\"}", "epochs", "4",
                "batch_size", "16", "promote", "auto"));
        assertThat(run.status()).as(run.text()).isEqualTo(200);
        JsonNode done = Tasks.await(chimp.api(), run.json().get("task_id").asText(), p -> p.get("ready").asBoolean(), Duration.ofMinutes(4));
        assertThat(done.get("successful").asBoolean()).as(done.toString()).isTrue();
    }

    private WebDriver chromium(Path video) {
        return Chromium.start(Chromium.options("--window-size=1280,1100", "--use-fake-ui-for-media-stream",
                "--use-fake-device-for-media-stream", "--use-file-for-fake-video-capture=" + video.toAbsolutePath()));
    }

    /** The main face's percentages as the page lists them, by label (read in one go: the page replaces the list). */
    @SuppressWarnings("unchecked")
    private Map<String, String> percentages() {
        Object read = ((JavascriptExecutor) browser).executeScript("return Object.fromEntries([...document.querySelectorAll("
                + "'#percentages li')].map(li => [li.dataset.label, li.dataset.percent]))");
        return new LinkedHashMap<>((Map<String, String>) read);
    }

    private WebDriverWait wait(Duration timeout) {
        return new WebDriverWait(browser, timeout, Duration.ofMillis(200));
    }

    private void screenshot(String name) throws IOException {
        File shot = ((TakesScreenshot) browser).getScreenshotAs(OutputType.FILE);
        Path target = Path.of("target", "emotion-page-" + name + ".png");
        Files.createDirectories(target.getParent());
        Files.copy(shot.toPath(), target, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    }
}
