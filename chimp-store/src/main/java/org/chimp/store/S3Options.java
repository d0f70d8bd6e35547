package org.chimp.store;

import java.net.URI;

/**
 * How to reach an S3-compatible server, beyond the bucket: what MinIO, Ceph, Garage and other non-AWS servers
 * need. Credentials are not here: they come from the AWS SDK's usual chain (AWS_ACCESS_KEY_ID and
 * AWS_SECRET_ACCESS_KEY, AWS_PROFILE and ~/.aws, instance roles).
 *
 * @param endpoint    the server's URL, or null for AWS
 * @param region      the region, or null for the SDK's chain (AWS_REGION, profile), falling back to us-east-1
 * @param pathStyle   address buckets as {@code host/bucket} rather than {@code bucket.host} (most self-hosted servers)
 * @param partSize    objects larger than this go up in parts of this size (multipart upload); at least 5 MiB, the
 *                    smallest part S3 accepts; also the most a single write holds in memory
 * @param maxAttempts tries per request when the server throttles (503 SlowDown) or a connection fails
 */
public record S3Options(URI endpoint, String region, boolean pathStyle, int partSize, int maxAttempts) {
    public static final int MIN_PART_SIZE = 5 << 20;
    public static final int DEFAULT_PART_SIZE = 16 << 20;
    /** S3 allows at most 10,000 parts: with the default part size objects up to 160 GiB. */
    static final int MAX_PARTS = 10_000;

    public S3Options {
        if (endpoint != null && (endpoint.getScheme() == null || !endpoint.getScheme().matches("https?") || endpoint.getHost() == null)) {
            throw new IllegalArgumentException("The S3 endpoint must be an http:// or https:// URL such as http://127.0.0.1:9000, got '"
                    + endpoint + "'");
        }
        if (region != null && !region.matches("[a-z0-9-]{1,64}")) {
            throw new IllegalArgumentException("The S3 region looks like 'us-east-1' (lowercase letters, digits, dashes), got '" + region + "'");
        }
        if (partSize < MIN_PART_SIZE || partSize > (1 << 30)) {
            throw new IllegalArgumentException("The S3 part size must be between 5 MiB and 1 GiB, got " + partSize + " bytes");
        }
        if (maxAttempts < 1 || maxAttempts > 20) {
            throw new IllegalArgumentException("S3 attempts per request must be between 1 and 20, got " + maxAttempts);
        }
    }

    /** AWS itself: region from the SDK's chain, virtual-host addressing, 16 MiB parts, 5 attempts. */
    public static S3Options defaults() {
        return new S3Options(null, null, false, DEFAULT_PART_SIZE, 5);
    }

    /**
     * Options from strings as the command line and environment give them ({@code --s3-endpoint}, {@code --s3-region},
     * {@code --s3-path-style}); null or blank means the default.
     */
    public static S3Options of(String endpoint, String region, String pathStyle) {
        boolean path;
        if (pathStyle == null || pathStyle.isBlank()) {
            path = false;
        } else if (pathStyle.equalsIgnoreCase("true") || pathStyle.equalsIgnoreCase("false")) {
            path = Boolean.parseBoolean(pathStyle);
        } else {
            throw new IllegalArgumentException("--s3-path-style (CHIMP_S3_PATH_STYLE) is 'true' or 'false', got '" + pathStyle + "'");
        }
        URI uri;
        try {
            uri = endpoint == null || endpoint.isBlank() ? null : URI.create(endpoint.trim());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("The S3 endpoint must be an http:// or https:// URL such as http://127.0.0.1:9000, got '"
                    + endpoint + "'", e);
        }
        return new S3Options(uri, region == null || region.isBlank() ? null : region.trim(), path, DEFAULT_PART_SIZE, 5);
    }

    public S3Options withPartSize(int bytes) {
        return new S3Options(endpoint, region, pathStyle, bytes, maxAttempts);
    }
}
