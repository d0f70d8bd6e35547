package org.chimp.jobs.http;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import java.util.List;

/**
 * One page of {@code GET /jobs}.
 *
 * @param nextOffset the offset of the next page, null (present) on the last one
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record JobPage(List<JobView> jobs, long total, int offset, int limit, Long nextOffset) {
}
