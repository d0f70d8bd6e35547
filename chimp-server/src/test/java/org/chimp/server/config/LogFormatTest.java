package org.chimp.server.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.OutputStreamAppender;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.slf4j.MDC;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

class LogFormatTest {
    @Command(name = "probe")
    static final class Probe implements Runnable {
        @Mixin
        NodeOptions options;

        @Override
        public void run() {
        }
    }

    private static NodeOptions parse(Map<String, String> env, String... args) {
        Probe probe = new Probe();
        CommandLine cl = new CommandLine(probe);
        cl.setCaseInsensitiveEnumValuesAllowed(true);
        cl.setDefaultValueProvider(ConfigSource.load(args, env));
        cl.parseArgs(args);
        return probe.options;
    }

    @Test
    void theFormatAndAccessLogComeFromOptionsOrEnvironment() {
        NodeOptions defaults = parse(Map.of());
        assertThat(LogFormat.parse(defaults.logFormat)).isEqualTo(LogFormat.TEXT);
        assertThat(defaults.accessLog).isTrue();
        NodeOptions given = parse(Map.of(), "--log-format", "json", "--access-log=false");
        assertThat(LogFormat.parse(given.logFormat)).isEqualTo(LogFormat.JSON);
        assertThat(given.accessLog).isFalse();
        NodeOptions env = parse(Map.of("CHIMP_LOG_FORMAT", "JSON", "CHIMP_ACCESS_LOG", "false"));
        assertThat(LogFormat.parse(env.logFormat)).isEqualTo(LogFormat.JSON);
        assertThatThrownBy(() -> LogFormat.parse("xml")).hasMessageContaining("text or json");
        assertThat(env.accessLog).isFalse();
    }

    @Test
    void jsonWritesOneObjectPerLineWithTheMdc() throws Exception {
        LoggerContext context = new LoggerContext(); // its own, so the test's logging is left as it is
        context.setMDCAdapter(MDC.getMDCAdapter());
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        PatternLayoutEncoder text = new PatternLayoutEncoder();
        text.setContext(context);
        text.setPattern("%msg%n");
        text.start();
        OutputStreamAppender<ILoggingEvent> appender = new OutputStreamAppender<>();
        appender.setContext(context);
        appender.setEncoder(text);
        appender.setOutputStream(out);
        appender.start();
        Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
        root.addAppender(appender);

        LogFormat.JSON.apply(context);
        Logger log = context.getLogger("org.chimp.test");
        MDC.put("request_id", "r-1");
        try {
            log.info("Training job {} queued", "j-1");
            log.atWarn().addKeyValue("route", "/jobs").log("line with\nnewline and \"quotes\"");
        } finally {
            MDC.remove("request_id");
        }
        String[] lines = out.toString(StandardCharsets.UTF_8).strip().split("\n");
        assertThat(lines).hasSize(2);
        ObjectMapper json = new ObjectMapper();
        JsonNode first = json.readTree(lines[0]);
        assertThat(first.get("formattedMessage").asText()).isEqualTo("Training job j-1 queued");
        assertThat(first.at("/mdc/request_id").asText()).isEqualTo("r-1");
        assertThat(first.get("loggerName").asText()).isEqualTo("org.chimp.test");
        JsonNode second = json.readTree(lines[1]);
        assertThat(second.get("level").asText()).isEqualTo("WARN");
        assertThat(second.get("formattedMessage").asText()).isEqualTo("line with\nnewline and \"quotes\"");
        assertThat(second.get("kvpList").toString()).contains("\"route\":\"/jobs\"");
        context.stop();
    }
}
