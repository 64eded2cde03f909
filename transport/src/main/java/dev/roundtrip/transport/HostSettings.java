package dev.roundtrip.transport;

import java.time.Duration;

import org.jspecify.annotations.Nullable;

/**
 * Overrides of the pool's limits for one {@code host:port}. A {@code null} field inherits
 * the transport's value.
 *
 * @param maxConnsPerHost see {@link TransportSettings#maxConnsPerHost()}
 * @param maxIdleConnsPerHost see {@link TransportSettings#maxIdleConnsPerHost()}
 * @param idleConnTimeout see {@link TransportSettings#idleConnTimeout()}
 * @param maxConnLifetime see {@link TransportSettings#maxConnLifetime()}
 * @param responseHeaderTimeout see {@link TransportSettings#responseHeaderTimeout()}
 */
public record HostSettings(@Nullable Integer maxConnsPerHost, @Nullable Integer maxIdleConnsPerHost,
		@Nullable Duration idleConnTimeout, @Nullable Duration maxConnLifetime,
		@Nullable Duration responseHeaderTimeout) {

	/** Overrides nothing. */
	public static final HostSettings INHERIT = new HostSettings(null, null, null, null, null);

	public HostSettings {
		if (maxConnsPerHost != null && maxConnsPerHost < 0) {
			throw new IllegalArgumentException(
					"max-conns-per-host must be 0 (no limit) or more, was " + maxConnsPerHost);
		}
		TransportSettings.checkNotNegative(idleConnTimeout, "idle-conn-timeout");
		TransportSettings.checkNotNegative(maxConnLifetime, "max-conn-lifetime");
		TransportSettings.checkNotNegative(responseHeaderTimeout, "response-header-timeout");
	}

	public HostSettings withMaxConnsPerHost(@Nullable Integer value) {
		return new HostSettings(value, this.maxIdleConnsPerHost, this.idleConnTimeout, this.maxConnLifetime,
				this.responseHeaderTimeout);
	}

	public HostSettings withMaxIdleConnsPerHost(@Nullable Integer value) {
		return new HostSettings(this.maxConnsPerHost, value, this.idleConnTimeout, this.maxConnLifetime,
				this.responseHeaderTimeout);
	}

	public HostSettings withIdleConnTimeout(@Nullable Duration value) {
		return new HostSettings(this.maxConnsPerHost, this.maxIdleConnsPerHost, value, this.maxConnLifetime,
				this.responseHeaderTimeout);
	}

	public HostSettings withMaxConnLifetime(@Nullable Duration value) {
		return new HostSettings(this.maxConnsPerHost, this.maxIdleConnsPerHost, this.idleConnTimeout, value,
				this.responseHeaderTimeout);
	}

	public HostSettings withResponseHeaderTimeout(@Nullable Duration value) {
		return new HostSettings(this.maxConnsPerHost, this.maxIdleConnsPerHost, this.idleConnTimeout,
				this.maxConnLifetime, value);
	}

}
