package dev.roundtrip.spring.observability;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.jayway.jsonpath.JsonPath;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.web.client.RestClient;

import dev.roundtrip.transport.Transport;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every query of the Grafana dashboard in {@code docs/grafana} names series that a
 * Prometheus scrape of an application with the starter really serves, with the labels the
 * query groups by: the dashboard cannot drift from the meters.
 */
@SpringBootTest(classes = ObservabilityTestApplication.class, webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = { "management.endpoints.web.exposure.include=prometheus",
				"management.metrics.distribution.percentiles-histogram.http.client.connection.wait_time=true",
				"roundtrip.transport.max-conns-per-host=8" })
class GrafanaDashboardTests {

	/** Relative to the module, as Maven runs the tests. */
	private static final Path DASHBOARD = Path.of("..", "docs", "grafana", "roundtrip-dashboard.json");

	private static final Pattern METRIC = Pattern.compile("\\b(http_client_[a-z_]+)\\b");

	private static final Pattern GROUPING = Pattern
		.compile("by \\(([^)]*)\\) \\(([^()]*\\()?[^()]*?(http_client_[a-z_]+)");

	@LocalServerPort
	int port;

	@Autowired
	RestClient.Builder restClientBuilder;

	@Autowired
	Transport transport;

	@Test
	void everyQueryNamesASeriesTheScrapeServesAndGroupsByLabelsItHas() throws IOException {
		RestClient client = this.restClientBuilder.baseUrl("http://127.0.0.4:" + this.port).build();
		for (int i = 0; i < 5; i++) {
			assertThat(client.get().uri("/hello").retrieve().body(String.class)).isEqualTo("Hello, World!");
		}
		// A close, for the closed-by-reason and lifetime meters.
		this.transport.closeIdleConnections();
		String scrape = new Actuator(this.port).get("/actuator/prometheus").body();

		String dashboard = Files.readString(DASHBOARD);
		List<String> expressions = JsonPath.read(dashboard, "$.panels[*].targets[*].expr");
		List<String> variables = JsonPath.read(dashboard, "$.templating.list[*].definition");
		assertThat(expressions).hasSizeGreaterThanOrEqualTo(7);
		Set<String> metrics = new TreeSet<>();
		for (String expression : concat(expressions, variables)) {
			Matcher matcher = METRIC.matcher(expression);
			while (matcher.find()) {
				metrics.add(matcher.group(1));
			}
		}
		assertThat(metrics).contains("http_client_open_connections", "http_client_connection_pending_requests",
				"http_client_connection_wait_time_seconds_bucket", "http_client_connection_wait_time_seconds_count",
				"http_client_connection_closed_total");
		for (String metric : metrics) {
			assertThat(scrape).as("the scrape serves %s", metric)
				.containsPattern("(?m)^" + Pattern.quote(metric) + "\\{");
		}
		for (String expression : expressions) {
			Matcher grouping = GROUPING.matcher(expression);
			while (grouping.find()) {
				String metric = grouping.group(3);
				for (String label : grouping.group(1).split(",")) {
					String name = label.trim();
					if (!name.equals("le") || metric.endsWith("_bucket")) {
						assertThat(scrape).as("%s has label %s (%s)", metric, name, expression)
							.containsPattern(
									"(?m)^" + Pattern.quote(metric) + "\\{[^}]*\\b" + Pattern.quote(name) + "=");
					}
				}
			}
		}
	}

	private static List<String> concat(List<String> first, List<String> second) {
		return java.util.stream.Stream.concat(first.stream(), second.stream()).toList();
	}

}
