package org.chimp.store;

import java.net.URI;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.function.IntSupplier;
import org.gaul.s3proxy.BlobStores;
import org.gaul.s3proxy.S3Proxy;
import org.gaul.s3proxy.auth.AuthenticationType;

/**
 * Starts s3proxy; loaded by {@link S3TestServer} in s3proxy's own class loader, so it speaks to the caller only
 * through JDK types.
 */
public final class S3ProxyLauncher implements AutoCloseable, IntSupplier {
    private final S3Proxy proxy;

    private S3ProxyLauncher(S3Proxy proxy) {
        this.proxy = proxy;
    }

    /** A started server on a free loopback port, keeping its buckets under {@code dir}. */
    public static Object start(String dir, String accessKey, String secretKey) throws Exception {
        Properties p = new Properties();
        p.setProperty("jclouds.filesystem.basedir", dir);
        p.setProperty("jclouds.identity", accessKey);
        p.setProperty("jclouds.credential", secretKey);
        S3Proxy proxy = S3Proxy.builder()
                .blobStore(BlobStores.create("filesystem", p))
                .awsAuthentication(AuthenticationType.AWS_V2_OR_V4, accessKey, secretKey)
                .endpoint(URI.create("http://127.0.0.1:0"))
                .build();
        proxy.start();
        // In s3proxy's class loader, without Awaitility: a plain loop, with a ceiling for a loaded machine.
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!"STARTED".equals(proxy.getState()) && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        if (!"STARTED".equals(proxy.getState())) {
            throw new IllegalStateException("s3proxy did not start: " + proxy.getState());
        }
        return new S3ProxyLauncher(proxy);
    }

    @Override
    public int getAsInt() {
        return proxy.getPort();
    }

    @Override
    public void close() throws Exception {
        proxy.stop();
    }
}
