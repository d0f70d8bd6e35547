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

    /** Switches the console appenders of the root logger to this format (text leaves logback.xml's as it is). */
    public void apply() {
        if (this == TEXT || !(LoggerFactory.getILoggerFactory() instanceof LoggerContext context)) {
            return;
        }
        Iterator<Appender<ILoggingEvent>> it = context.getLogger(Logger.ROOT_LOGGER_NAME).iteratorForAppenders();
        while (it.hasNext()) {
            if (it.next() instanceof OutputStreamAppender<ILoggingEvent> out && !(out.getEncoder() instanceof JsonEncoder)) {
                out.stop();
                out.setEncoder(encoder(context));
                out.start();
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
