package org.chimp.serving.http;

import java.util.List;

/** The Open Inference Protocol's server metadata ({@code GET /v2}). */
public record ServerMetadata(String name, String version, List<String> extensions) {
}
