package org.chimp.server.config;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.JsonEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.Appender;
import ch.qos.logback.core.OutputStreamAppender;
import java.util.Iterator;
import org.slf4j.LoggerFactory;

/**
 * How log lines look: {@code text} (logback.xml's pattern, for people) or {@code json}: Logback's own
 * {@link JsonEncoder}, one JSON object per line with the level, logger, thread, message, key-value pairs (the
 * access log's fields) and the MDC ({@code request_id}, {@code job_id}), for log collectors.
 */
public enum LogFormat {
    TEXT, JSON;

    /** {@code text} or {@code json}, in any case. */
    public static LogFormat parse(String name) {
        for (LogFormat f : values()) {
            if (f.name().equalsIgnoreCase(name == null ? "" : name.trim())) {
                return f;
            }
        }
        throw new IllegalArgumentException("--log-format must be text or json, got '" + name + "'");
    }

    /** Switches the process's log output to this format (text leaves logback.xml's as it is). */
    public void apply() {
        if (LoggerFactory.getILoggerFactory() instanceof LoggerContext context) {
            apply(context);
        }
    }

    /** Switches the appenders of a context's root logger that write to a stream to this format. */
    public void apply(LoggerContext context) {
        if (this == TEXT) {
            return;
        }
        Iterator<Appender<ILoggingEvent>> it = context.getLogger(Logger.ROOT_LOGGER_NAME).iteratorForAppenders();
        while (it.hasNext()) {
            if (it.next() instanceof OutputStreamAppender<ILoggingEvent> out && !(out.getEncoder() instanceof JsonEncoder)) {
                // Swapped in place: stopping the appender would close its stream, which only a console reopens.
                out.setEncoder(encoder(context));
            }
        }
    }

    /** A started JSON encoder for this context. */
    public static JsonEncoder encoder(LoggerContext context) {
        JsonEncoder json = new JsonEncoder();
        json.setContext(context);
        // The message as people read it, not its {} pattern and arguments; no context properties or sequence noise.
        json.setWithFormattedMessage(true);
        json.setWithMessage(false);
        json.setWithArguments(false);
        json.setWithContext(false);
        json.setWithSequenceNumber(false);
        json.setWithNanoseconds(false);
        json.start();
        return json;
    }
}
