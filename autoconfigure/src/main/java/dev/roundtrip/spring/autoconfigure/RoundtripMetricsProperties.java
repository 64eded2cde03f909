package dev.roundtrip.spring.autoconfigure;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * {@code roundtrip.transport.metrics.*}: the Micrometer metrics of the auto-configured
 * transport's pool. See {@link dev.roundtrip.spring.metrics.TransportMetrics} for the
 * meters.
 */
@ConfigurationProperties(RoundtripMetricsProperties.PREFIX)
public class RoundtripMetricsProperties {

	static final String PREFIX = "roundtrip.transport.metrics";

	/**
	 * Whether to record the pool metrics (http.client.open_connections,
	 * http.client.connection.*) when Micrometer and a MeterRegistry are present.
	 */
	private boolean enabled = true;

	/**
	 * Destinations (scheme, host and port) that get their own meters; the rest are
	 * counted together under server.address=other.
	 */
	private int maxDestinations = 100;

	public boolean isEnabled() {
		return this.enabled;
	}

	public void setEnabled(boolean enabled) {
		this.enabled = enabled;
	}

	public int getMaxDestinations() {
		return this.maxDestinations;
	}

	public void setMaxDestinations(int maxDestinations) {
		this.maxDestinations = maxDestinations;
	}

}
