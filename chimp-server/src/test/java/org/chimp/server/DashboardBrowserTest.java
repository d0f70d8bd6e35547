package org.chimp.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.File;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.logging.Level;
import org.chimp.server.ApiClient.Reply;
import org.chimp.server.node.Role;
import org.chimp.training.sample.SyntheticFaces;
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
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.logging.LoggingPreferences;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The dashboard in a real browser (Debian's headless Chromium) against a standalone node: an admin signs in,
 * uploads a dataset and sees its labels and sample images, starts an image-classifier task from the form the
 * plugin's typed arguments generate, watches its progress reach 100%, sees the run's metric charts and its
 * confusion matrix as a heat map, compares two runs, promotes versions and rolls back from the registry page
 * (checked over REST), and sees the workers. Screenshots go to target/dashboard-screenshots/. Skipped without
 * Chromium unless CHIMP_REQUIRE_SERVICES=1.
 */
@Tag("slow")
class DashboardBrowserTest {
    private static final Path SCREENSHOTS = Path.of("target", "dashboard-screenshots");
    private static final String TOKEN = "dashboard-browser-admin-token-0123456789";
    private static final String PASSWORD = "root's long password";
    private static final Duration WAIT = Duration.ofSeconds(120);

    @TempDir
    Path dir;
    private StandaloneFixture chimp;
    private ChromeDriver browser;
    private WebDriverWait wait;
    private String base;

    @BeforeEach
    void start() throws IOException {
        Chromium.require();
        chimp = StandaloneFixture.start(dir, TOKEN);
        chimp.node().services().identity().users().add("root", UserRole.ADMIN, PASSWORD);
        base = "http://127.0.0.1:" + chimp.node().port(Role.TRAINING);

        ChromeOptions options = Chromium.options("--window-size=1400,1600", "--user-data-dir=" + dir.resolve("chromium-profile"));
        LoggingPreferences logs = new LoggingPreferences();
        logs.enable(LogType.BROWSER, Level.ALL);
        options.setCapability("goog:loggingPrefs", logs);
        browser = Chromium.start(options);
        wait = new WebDriverWait(browser, WAIT);
        Files.createDirectories(SCREENSHOTS);
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
    void anAdminUploadsTrainsWatchesComparesPromotesAndRollsBack() throws Exception {
        signIn();

        // Datasets: upload through the page, then the labels and sample images of the new version.
        open("#datasets");
        Path zip = dir.resolve("faces.zip");
        SyntheticFaces.writeZip(zip, 12, 4, 5);
        browser.findElement(By.cssSelector("#upload-form input[name=dataset_name]")).sendKeys("faces");
        browser.findElement(By.cssSelector("#upload-form input[type=file]")).sendKeys(zip.toAbsolutePath().toString());
        browser.findElement(By.cssSelector("#upload-form button[type=submit]")).click();
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("datasets-table"), "faces"));
        wait.until(ExpectedConditions.presenceOfElementLocated(By.cssSelector("#label-counts")));
        assertThat(browser.findElement(By.id("label-counts")).getText()).containsIgnoringCase("train").contains("happy").contains("12");
        wait.until(d -> imagesLoaded("#samples img.thumb") >= 5);
        screenshot("1-datasets");

        // Training: the generated form (typed inputs with defaults and bounds), a task, its progress to 100%.
        open("#training");
        new Select(wait.until(ExpectedConditions.presenceOfElementLocated(By.id("plugin-select")))).selectByValue("image-classifier");
        WebElement epochs = wait.until(ExpectedConditions.presenceOfElementLocated(
                By.cssSelector("form[data-plugin=image-classifier] #arg-epochs")));
        assertThat(epochs.getAttribute("type")).isEqualTo("number");
        assertThat(epochs.getAttribute("value")).isEqualTo("20");
        assertThat(epochs.getAttribute("min")).isEqualTo("1");
        assertThat(epochs.getAttribute("max")).isEqualTo("500");
        assertThat(browser.findElement(By.id("arg-learning_rate")).getAttribute("step")).isEqualTo("any");
        new Select(browser.findElement(By.id("dataset-train"))).selectByValue("faces");
        epochs.clear();
        epochs.sendKeys("600");
        assertThat((Boolean) js("return document.querySelector('#arg-epochs').checkValidity()"))
                .as("the browser holds the plugin's bound before anything is sent").isFalse();
        epochs.clear();
        epochs.sendKeys("4");
        WebElement modelName = browser.findElement(By.id("arg-model_name"));
        modelName.clear();
        modelName.sendKeys("faces");
        browser.findElement(By.id("start-task")).click();
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("run-status"), "queued"));
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("tasks-table"), "succeeded"));
        WebElement bar = browser.findElement(By.cssSelector("#tasks-table progress"));
        assertThat(bar.getAttribute("value")).isEqualTo("100");
        assertThat(browser.findElement(By.id("tasks-table")).getText()).contains("100%").contains("faces v1");
        screenshot("2-training");

        // Experiments: the run's metrics over epochs, its params and artifacts, a confusion matrix heat map.
        String firstRun = version(1).get("run_id").asText();
        putArtifact(firstRun, "confusion_matrix.json", "{\"labels\": [\"angry\", \"happy\", \"neutral\"], \"rows\": \"true label\", "
                + "\"columns\": \"predicted label\", \"matrix\": [[5, 1, 0], [0, 6, 1], [2, 0, 4]]}");
        // A value with markup in it (anyone who may log to a run could write one) stays text on the page.
        String hostile = "<img src=x onerror=\"window.pwned=1\">";
        Reply logged = chimp.api().postJson("/api/2.0/mlflow/runs/log-parameter", Map.of("run_id", firstRun, "key", "note", "value", hostile));
        assertThat(logged.status()).as(logged.text()).isEqualTo(200);
        open("#training");
        wait.until(ExpectedConditions.presenceOfElementLocated(
                By.cssSelector("#tasks-table a.run-link[href='#experiments/run/" + firstRun + "']")));
        open("#experiments/run/" + firstRun);
        wait.until(d -> d.findElements(By.cssSelector("#metric-charts .uplot canvas")).size() >= 4);
        assertThat(browser.findElement(By.id("metric-charts")).getText()).contains("train_loss").contains("val_accuracy");
        assertThat(browser.findElement(By.id("params-table")).getText()).contains("epochs").contains("learning_rate").contains(hostile);
        assertThat(browser.findElements(By.cssSelector("#params-table img"))).isEmpty();
        assertThat(js("return window.pwned === undefined")).isEqualTo(true);
        wait.until(ExpectedConditions.presenceOfElementLocated(By.cssSelector("#confusion-matrix[data-drawn=true] canvas")));
        screenshot("3-run");
        js("document.getElementById('confusion-matrix').scrollIntoView()");
        screenshot("3-confusion-matrix");

        // Registry: v1 to Production from the page.
        open("#registry/faces");
        promote(1, "Production");
        assertThat(version(1).get("current_stage").asText()).isEqualTo("Production");

        // A second run (over REST) with promote=auto and a margin no model can meet: kept out, its decision recorded.
        Reply second = chimp.api().postForm("/tasks/run/image-classifier", Map.of("datasets", "{\"train\": \"faces\"}",
                "epochs", "2", "model_name", "faces", "learning_rate", "0.05", "promote", "auto", "promotion_margin", "1"));
        assertThat(second.status()).as(second.text()).isEqualTo(200);
        JsonNode done = Tasks.await(chimp.api(), second.json().get("task_id").asText(), p -> p.get("ready").asBoolean(), WAIT);
        assertThat(done.get("successful").asBoolean()).as(done.toString()).isTrue();

        // Compare both runs: every chart gets a line per run, the params a column per run.
        open("#experiments");
        wait.until(d -> d.findElements(By.cssSelector("#runs-table .pick-run")).size() == 2);
        browser.findElements(By.cssSelector("#runs-table .pick-run")).forEach(WebElement::click);
        browser.findElement(By.id("compare-runs")).click();
        wait.until(d -> d.findElements(By.cssSelector("#metric-charts .uplot")).size() >= 4);
        wait.until(d -> d.findElements(By.cssSelector("#metric-charts .chart[data-metric=train_loss] .u-legend .u-series")).size() == 3);
        assertThat(browser.findElement(By.id("params-table")).findElements(By.cssSelector("thead th"))).hasSize(3);
        screenshot("4-compare");

        // Registry: the decision, lineage, an alias; then v2 promoted by hand (v1 archived) and rolled back.
        open("#registry/faces");
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("versions-table"), "kept"));
        assertThat(browser.findElement(By.id("versions-table")).getText()).contains("held-out accuracy").doesNotContain("undefined");
        browser.findElements(By.cssSelector("#versions-table button.lineage")).get(1).click();
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("lineage"), "faces@1"));
        assertThat(browser.findElement(By.id("lineage")).getText()).contains("image-classifier").contains(firstRun);
        browser.findElement(By.cssSelector("#alias-form input[name=alias]")).sendKeys("champion");
        new Select(browser.findElement(By.cssSelector("#alias-form select[name=version]"))).selectByValue("1");
        browser.findElement(By.cssSelector("#alias-form button[type=submit]")).click();
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("versions-table"), "@champion"));
        assertThat(chimp.api().get("/api/2.0/mlflow/registered-models/alias?name=faces&alias=champion").json()
                .at("/model_version/version").asText()).isEqualTo("1");
        promote(2, "Production");
        assertThat(stages()).containsEntry(1, "Archived").containsEntry(2, "Production");
        browser.findElement(By.id("rollback")).click();
        wait.until(d -> "Production".equals(stageShown(1)));
        assertThat(stages()).containsEntry(1, "Production").containsEntry(2, "Archived");
        screenshot("5-registry");

        // Jobs and workers.
        open("#jobs");
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("workers-table"), "training"));
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("jobs-table"), "succeeded"));
        assertThat(browser.findElement(By.id("chain-jobs")).getText()).as("no chain configured").isEmpty();
        screenshot("6-jobs");

        List<LogEntry> problems = browser.manage().logs().get(LogType.BROWSER).getAll().stream()
                .filter(e -> e.getLevel().intValue() >= Level.SEVERE.intValue())
                .filter(e -> !e.getMessage().contains("favicon.ico"))
                // the jobs page asks once whether a chain is configured; a 404 says there is none
                .filter(e -> !(e.getMessage().contains("/chain/jobs") && e.getMessage().contains("404"))).toList();
        assertThat(problems).as("browser errors (CSP violations, failed scripts)").isEmpty();
    }

    @Test
    void aUserSeesEverythingButGetsNoControlsOnlyAdminsMayUse() throws Exception {
        chimp.node().services().identity().users().add("alice", UserRole.USER, PASSWORD);
        JsonNode done = Tasks.await(chimp.api(), Tasks.submit(chimp.api(), dir, 2), p -> p.get("ready").asBoolean(), WAIT);
        assertThat(done.get("successful").asBoolean()).as(done.toString()).isTrue();
        signIn("alice");

        open("#registry/faces", "alice (user)");
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("versions-table"), "v1"));
        assertThat(browser.findElements(By.cssSelector("#rollback, button.promote, #alias-form"))).isEmpty();
        open("#training", "alice (user)");
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("tasks-table"), "succeeded"));
        assertThat(browser.findElement(By.id("main")).getText()).contains("Only admins start training");
        assertThat(browser.findElements(By.cssSelector("#tasks-table button.cancel"))).isEmpty();
        // The server has the last word: a start the page lets her try is refused with its reason shown.
        new Select(browser.findElement(By.id("plugin-select"))).selectByValue("image-classifier");
        new Select(wait.until(ExpectedConditions.presenceOfElementLocated(By.id("dataset-train")))).selectByValue("faces");
        browser.findElement(By.id("start-task")).click();
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("run-status"), "Only an admin may"));
        screenshot("7-user-training");
        // Calibration, which a user runs for themself, starts with her name filled in.
        new Select(browser.findElement(By.id("plugin-select"))).selectByValue("emotion-calibration");
        assertThat(wait.until(ExpectedConditions.presenceOfElementLocated(By.cssSelector("form[data-plugin=emotion-calibration] #arg-user")))
                .getAttribute("value")).isEqualTo("alice");
    }

    private void signIn() {
        signIn("root");
    }

    private void signIn(String user) {
        browser.get(base + "/dashboard");
        wait.until(ExpectedConditions.urlContains("/login"));
        browser.findElement(By.name("username")).sendKeys(user);
        browser.findElement(By.name("password")).sendKeys(PASSWORD);
        browser.findElement(By.cssSelector("button[type=submit]")).click();
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.tagName("body"), "Signed in as"));
        browser.findElement(By.linkText("Open the dashboard")).click();
        wait.until(ExpectedConditions.presenceOfElementLocated(By.cssSelector("#main[data-page=datasets]")));
    }

    private void open(String fragment) {
        open(fragment, "root (admin)");
    }

    private void open(String fragment, String who) {
        browser.get(base + "/dashboard" + fragment);
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("who"), who));
    }

    private Object js(String script) {
        return ((JavascriptExecutor) browser).executeScript(script);
    }

    private long imagesLoaded(String css) {
        return (Long) js("return [...document.querySelectorAll('" + css + "')].filter(i => i.complete && i.naturalWidth > 0).length");
    }

    private void promote(int version, String stage) {
        WebElement select = wait.until(ExpectedConditions.presenceOfElementLocated(
                By.cssSelector("select.stage-select[data-version='" + version + "']")));
        new Select(select).selectByValue(stage);
        browser.findElement(By.cssSelector("button.promote[data-version='" + version + "']")).click();
        wait.until(d -> stage.equals(stageShown(version)));
    }

    private String stageShown(int version) {
        List<WebElement> cells = browser.findElements(By.cssSelector("#versions-table span.stage[data-version='" + version + "']"));
        try {
            return cells.isEmpty() ? null : cells.get(0).getText();
        } catch (org.openqa.selenium.StaleElementReferenceException e) {
            return null; // the table was just redrawn
        }
    }

    private JsonNode version(int v) throws Exception {
        Reply r = chimp.api().get("/api/2.0/mlflow/model-versions/get?name=faces&version=" + v);
        assertThat(r.status()).as(r.text()).isEqualTo(200);
        return r.json().get("model_version");
    }

    /** The stages of versions 1 and 2 as the registry reports them over REST. */
    private Map<Integer, String> stages() throws Exception {
        return Map.of(1, version(1).get("current_stage").asText(), 2, version(2).get("current_stage").asText());
    }

    private void putArtifact(String runId, String path, String json) throws Exception {
        String experiment = chimp.api().get("/api/2.0/mlflow/runs/get?run_id=" + runId).json().at("/run/info/experiment_id").asText();
        HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(base
                + "/api/2.0/mlflow-artifacts/artifacts/" + experiment + "/" + runId + "/artifacts/" + path))
                .header("Authorization", "Bearer " + TOKEN).PUT(HttpRequest.BodyPublishers.ofString(json)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    }

    private void screenshot(String name) throws IOException {
        File shot = ((TakesScreenshot) browser).getScreenshotAs(OutputType.FILE);
        Files.copy(shot.toPath(), SCREENSHOTS.resolve(name + ".png"), StandardCopyOption.REPLACE_EXISTING);
    }
}
