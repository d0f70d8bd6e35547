package org.chimp.store.http;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import java.util.Map;
import org.chimp.store.DatasetVersion;

/**
 * The JSON form of a dataset version, as the endpoints return it.
 *
 * @param files the number of files (the listing is {@code .../files})
 * @param bytes their total size
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record DatasetView(String name, int version, String ref, String contentHash, long files, long bytes,
                          Map<String, Map<String, Integer>> splits, String createdAt) {

    public static DatasetView of(DatasetVersion v) {
        return new DatasetView(v.name(), v.version(), v.ref(), v.contentHash(), v.fileCount(), v.sizeBytes(), v.splits(),
                v.createdAt().toString());
    }
}
