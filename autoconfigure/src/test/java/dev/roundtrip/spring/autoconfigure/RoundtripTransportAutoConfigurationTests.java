package dev.roundtrip.spring.autoconfigure;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.ssl.SslAutoConfiguration;
import org.springframework.boot.http.client.ClientHttpRequestFactoryBuilder;
import org.springframework.boot.http.client.HttpRedirects;
import org.springframework.boot.http.client.autoconfigure.ClientHttpRequestFactoryBuilderCustomizer;
import org.springframework.boot.http.client.autoconfigure.HttpClientAutoConfiguration;
import org.springframework.boot.http.client.autoconfigure.imperative.ImperativeHttpClientAutoConfiguration;
import org.springframework.boot.restclient.RestTemplateBuilder;
import org.springframework.boot.restclient.autoconfigure.RestClientAutoConfiguration;
import org.springframework.boot.restclient.autoconfigure.RestTemplateAutoConfiguration;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.ApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Primary;
import org.springframework.core.env.MapPropertySource;
import org.springframework.http.client.ClientHttpRequestFactory;
import org.springframework.util.unit.DataSize;

import dev.roundtrip.spring.http.client.RoundtripClientHttpRequestFactory;
import dev.roundtrip.spring.http.client.RoundtripClientHttpRequestFactoryBuilder;
import dev.roundtrip.transport.HostSettings;
import dev.roundtrip.transport.IdleOrder;
import dev.roundtrip.transport.LeakDetection;
import dev.roundtrip.transport.Request;
import dev.roundtrip.transport.Transport;
import dev.roundtrip.transport.TransportSettings;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIOException;

/** Which beans appear, which back off, and how {@code roundtrip.transport.*} binds. */
class RoundtripTransportAutoConfigurationTests {

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(RoundtripTransportAutoConfiguration.class, SslAutoConfiguration.class,
				HttpClientAutoConfiguration.class, ImperativeHttpClientAutoConfiguration.class,
				RestClientAutoConfiguration.class, RestTemplateAutoConfiguration.class));

	@Test
	void contributesOneTransportAndTheBuilderOverIt() {
		this.runner.run((context) -> {
			assertThat(context).hasSingleBean(Transport.class).hasSingleBean(ClientHttpRequestFactoryBuilder.class);
			ClientHttpRequestFactoryBuilder<?> builder = context.getBean(ClientHttpRequestFactoryBuilder.class);
			assertThat(builder).isInstanceOf(RoundtripClientHttpRequestFactoryBuilder.class);
			assertThat(((RoundtripClientHttpRequestFactoryBuilder) builder).transport())
				.isSameAs(context.getBean(Transport.class));
		});
	}

	@Test
	void bootsClientHttpRequestFactoryAndRestTemplatesSendThroughTheTransport() {
		this.runner.run((context) -> {
			Transport transport = context.getBean(Transport.class);
			assertThat(context.getBean(ClientHttpRequestFactory.class)).isInstanceOfSatisfying(
					RoundtripClientHttpRequestFactory.class,
					(factory) -> assertThat(factory.getTransport()).isSameAs(transport));
			RestTemplateBuilder restTemplateBuilder = context.getBean(RestTemplateBuilder.class);
			assertThat(restTemplateBuilder.build().getRequestFactory()).isInstanceOfSatisfying(
					RoundtripClientHttpRequestFactory.class,
					(factory) -> assertThat(factory.getTransport()).isSameAs(transport));
			assertThat(restTemplateBuilder.build().getRequestFactory())
				.isNotSameAs(restTemplateBuilder.build().getRequestFactory());
		});
	}

	@Test
	void springHttpClientsSettingsApplyToTheFactories() {
		this.runner
			.withPropertyValues("spring.http.clients.connect-timeout=2s", "spring.http.clients.read-timeout=150ms",
					"spring.http.clients.redirects=dont-follow")
			.run((context) -> {
				RoundtripClientHttpRequestFactory factory = factory(context);
				assertThat(factory.getConnectTimeout()).isEqualTo(Duration.ofSeconds(2));
				assertThat(factory.getReadTimeout()).isEqualTo(Duration.ofMillis(150));
				assertThat(factory.isFollowRedirects()).isFalse();
			});
	}

	@Test
	void aTransportOfTheApplicationsOwnStandsBesideTheAutoConfiguredOne() {
		this.runner.withUserConfiguration(OwnTransport.class).run((context) -> {
			assertThat(context).hasNotFailed()
				.getBeans(Transport.class)
				.containsOnlyKeys("roundtripTransport", "ownTransport");
			assertThat(context.getBean(RoundtripClientHttpRequestFactoryBuilder.class).transport())
				.isSameAs(context.getBean("roundtripTransport"));
			assertThat(factory(context).getTransport()).isSameAs(context.getBean("roundtripTransport"));
		});
	}

	@Test
	void twoTransportsOfTheApplicationsOwnDoNotFailStartup() {
		this.runner.withUserConfiguration(OwnTransport.class, AnotherTransport.class).run((context) -> {
			assertThat(context).hasNotFailed().getBeans(Transport.class).hasSize(3);
			assertThat(factory(context).getTransport()).isSameAs(context.getBean("roundtripTransport"));
		});
	}

	@Test
	void aPrimaryTransportOfTheApplicationsOwnCarriesTheClients() {
		this.runner.withUserConfiguration(OwnTransport.class, PrimaryTransport.class).run((context) -> {
			Transport primary = context.getBean("primaryTransport", Transport.class);
			assertThat(context.getBean(RoundtripClientHttpRequestFactoryBuilder.class).transport()).isSameAs(primary);
			assertThat(context.getBean(RestTemplateBuilder.class).build().getRequestFactory()).isInstanceOfSatisfying(
					RoundtripClientHttpRequestFactory.class,
					(factory) -> assertThat(factory.getTransport()).isSameAs(primary));
		});
	}

	@Test
	void aTransportNamedLikeTheAutoConfiguredOneReplacesIt() {
		this.runner.withUserConfiguration(ReplacingTransport.class).run((context) -> {
			assertThat(context).hasSingleBean(Transport.class);
			assertThat(context.getBean(Transport.class).settings().maxConnsPerHost()).isEqualTo(9);
			assertThat(factory(context).getTransport()).isSameAs(context.getBean(Transport.class));
		});
	}

	@Test
	void aSecondPoolIsConfiguredFromItsOwnPrefixLikeTheFirst() {
		Map<String, Object> properties = new LinkedHashMap<>();
		properties.put("roundtrip.transport.max-conns-per-host", "16");
		properties.put("api.transport.max-conns-per-host", "4");
		properties.put("api.transport.idle-conn-timeout", "5s");
		properties.put("api.transport.hosts.[api.example.com:443].max-conns-per-host", "2");
		this.runner.withInitializer((context) -> addProperties(context, properties))
			.withUserConfiguration(SecondPool.class)
			.withBean(TransportBuilderCustomizer.class, () -> (builder) -> builder.maxIdleConns(42))
			.run((context) -> {
				TransportSettings api = context.getBean("apiTransport", Transport.class).settings();
				assertThat(api.maxConnsPerHost()).isEqualTo(4);
				assertThat(api.idleConnTimeout()).isEqualTo(Duration.ofSeconds(5));
				assertThat(api.host("api.example.com:443").maxConnsPerHost()).isEqualTo(2);
				assertThat(api.maxIdleConns()).isEqualTo(42);
				TransportSettings main = context.getBean("roundtripTransport", Transport.class).settings();
				assertThat(main.maxConnsPerHost()).isEqualTo(16);
				assertThat(main.hosts()).isEmpty();
				assertThat(factory(context).getTransport()).isSameAs(context.getBean("roundtripTransport"));
			});
	}

	@Test
	void anInvalidValueOfASecondPoolFailsStartupNamingItsProperty() {
		this.runner.withPropertyValues("api.transport.max-conns-per-host=-3")
			.withUserConfiguration(SecondPool.class)
			.run((context) -> {
				assertThat(context).hasFailed();
				assertThat(messages(context.getStartupFailure())).contains("api.transport.max-conns-per-host");
			});
	}

	@ParameterizedTest
	@CsvSource({ "jdk, JdkClientHttpRequestFactoryBuilder", "simple, SimpleClientHttpRequestFactoryBuilder",
			"SIMPLE, SimpleClientHttpRequestFactoryBuilder" })
	void anExplicitRequestFactoryIsTheApplicationsChoice(String factory, String builderType) {
		this.runner.withPropertyValues("spring.http.clients.imperative.factory=" + factory).run((context) -> {
			assertThat(context).hasNotFailed().hasBean("roundtripTransport");
			assertThat(context).doesNotHaveBean(RoundtripClientHttpRequestFactoryBuilder.class);
			assertThat(context.getBean(ClientHttpRequestFactoryBuilder.class).getClass().getSimpleName())
				.startsWith(builderType);
			assertThat(context.getBean(ClientHttpRequestFactory.class))
				.isNotInstanceOf(RoundtripClientHttpRequestFactory.class);
			assertThat(context.getBean(RestTemplateBuilder.class).build().getRequestFactory())
				.isNotInstanceOf(RoundtripClientHttpRequestFactory.class);
		});
	}

	@Test
	void anExplicitRequestFactoryAsAnEnvironmentVariableCountsToo() {
		this.runner
			.withInitializer((context) -> context.getEnvironment()
				.getPropertySources()
				.addFirst(new org.springframework.core.env.SystemEnvironmentPropertySource("env",
						Map.of("SPRING_HTTP_CLIENTS_IMPERATIVE_FACTORY", "jdk"))))
			.run((context) -> assertThat(context).doesNotHaveBean(RoundtripClientHttpRequestFactoryBuilder.class));
	}

	@Test
	void theApplicationsOwnBuilderWins() {
		this.runner.withUserConfiguration(OwnBuilder.class).run((context) -> {
			assertThat(context).hasSingleBean(ClientHttpRequestFactoryBuilder.class);
			assertThat(context.getBean(ClientHttpRequestFactoryBuilder.class))
				.isSameAs(context.getBean(OwnBuilder.class).builder);
		});
	}

	@Test
	void disabledBringsBootsDefaultBack() {
		this.runner.withPropertyValues("roundtrip.transport.enabled=false").run((context) -> {
			assertThat(context).doesNotHaveBean(Transport.class);
			assertThat(context.getBean(ClientHttpRequestFactoryBuilder.class))
				.isNotInstanceOf(RoundtripClientHttpRequestFactoryBuilder.class)
				.isInstanceOf(ClientHttpRequestFactoryBuilder.detect().getClass());
		});
	}

	@Test
	void backsOffWithoutTheTransportOnTheClassPath() {
		this.runner.withClassLoader(new FilteredClassLoader(Transport.class)).run((context) -> {
			assertThat(context).doesNotHaveBean(RoundtripClientHttpRequestFactoryBuilder.class);
			assertThat(context).hasSingleBean(ClientHttpRequestFactoryBuilder.class);
		});
	}

	@Test
	void transportIsClosedWithTheContext() {
		List<Transport> transports = new ArrayList<>();
		this.runner.run((context) -> transports.add(context.getBean(Transport.class)));
		assertThat(transports).hasSize(1);
		// Port 9 on loopback refuses; a closed transport refuses before dialing, and says
		// why.
		assertThatIOException().isThrownBy(() -> transports.get(0).roundTrip(Request.get("http://127.0.0.1:9/")))
			.withMessageContaining("closed");
	}

	@Test
	void defaultsAreTheTransportsDefaults() {
		this.runner.run((context) -> assertThat(context.getBean(Transport.class).settings())
			.isEqualTo(TransportSettings.DEFAULTS));
	}

	@Test
	void everyPropertyBinds() {
		this.runner.withPropertyValues("roundtrip.transport.max-idle-conns=11",
				"roundtrip.transport.max-idle-conns-per-host=-1", "roundtrip.transport.max-conns-per-host=4",
				"roundtrip.transport.idle-conn-timeout=5s", "roundtrip.transport.disable-keep-alives=true",
				"roundtrip.transport.disable-compression=true", "roundtrip.transport.dial-timeout=3s",
				"roundtrip.transport.tcp-keep-alive=0", "roundtrip.transport.tls-handshake-timeout=4s",
				"roundtrip.transport.response-header-timeout=6s", "roundtrip.transport.expect-continue-timeout=0s",
				"roundtrip.transport.read-timeout=250ms", "roundtrip.transport.max-response-header-bytes=64KB",
				"roundtrip.transport.write-buffer-size=16KB", "roundtrip.transport.read-buffer-size=32KB",
				"roundtrip.transport.max-conn-lifetime=10m", "roundtrip.transport.honor-keep-alive-header=false",
				"roundtrip.transport.drain-on-close.max-bytes=0", "roundtrip.transport.drain-on-close.timeout=1s",
				"roundtrip.transport.leak-detection=paranoid", "roundtrip.transport.proxy.url=http://proxy.test:3128",
				"roundtrip.transport.proxy.from-environment=true", "roundtrip.transport.pool-wait-timeout=0",
				"roundtrip.transport.max-pending-per-host=32", "roundtrip.transport.max-conn-lifetime-jitter=1m",
				"roundtrip.transport.max-requests-per-conn=500", "roundtrip.transport.idle-order=fifo",
				"roundtrip.transport.keep-alive-margin=2s")
			.run((context) -> {
				TransportSettings settings = context.getBean(Transport.class).settings();
				assertThat(settings.maxIdleConns()).isEqualTo(11);
				assertThat(settings.maxIdleConnsPerHost()).isEqualTo(-1);
				assertThat(settings.maxConnsPerHost()).isEqualTo(4);
				assertThat(settings.idleConnTimeout()).isEqualTo(Duration.ofSeconds(5));
				assertThat(settings.disableKeepAlives()).isTrue();
				assertThat(settings.disableCompression()).isTrue();
				assertThat(settings.dialTimeout()).isEqualTo(Duration.ofSeconds(3));
				assertThat(settings.tcpKeepAlive()).isEqualTo(Duration.ZERO);
				assertThat(settings.tlsHandshakeTimeout()).isEqualTo(Duration.ofSeconds(4));
				assertThat(settings.responseHeaderTimeout()).isEqualTo(Duration.ofSeconds(6));
				assertThat(settings.expectContinueTimeout()).isEqualTo(Duration.ZERO);
				assertThat(settings.readTimeout()).isEqualTo(Duration.ofMillis(250));
				assertThat(settings.maxResponseHeaderBytes()).isEqualTo(DataSize.ofKilobytes(64).toBytes());
				assertThat(settings.writeBufferSize()).isEqualTo(16 * 1024);
				assertThat(settings.readBufferSize()).isEqualTo(32 * 1024);
				assertThat(settings.maxConnLifetime()).isEqualTo(Duration.ofMinutes(10));
				assertThat(settings.honorKeepAliveHeader()).isFalse();
				assertThat(settings.drainOnCloseMaxBytes()).isZero();
				assertThat(settings.drainOnCloseTimeout()).isEqualTo(Duration.ofSeconds(1));
				assertThat(settings.leakDetection()).isEqualTo(LeakDetection.PARANOID);
				assertThat(settings.proxy()).isEqualTo(URI.create("http://proxy.test:3128"));
				assertThat(settings.proxyFromEnvironment()).isTrue();
				assertThat(settings.poolWaitTimeout()).isEqualTo(Duration.ZERO);
				assertThat(settings.maxPendingPerHost()).isEqualTo(32);
				assertThat(settings.maxConnLifetimeJitter()).isEqualTo(Duration.ofMinutes(1));
				assertThat(settings.maxRequestsPerConn()).isEqualTo(500);
				assertThat(settings.idleOrder()).isEqualTo(IdleOrder.FIFO);
				assertThat(settings.keepAliveMargin()).isEqualTo(Duration.ofSeconds(2));
			});
	}

	@Test
	void camelCaseAndKebabCaseBothBind() {
		this.runner
			.withPropertyValues("roundtrip.transport.maxIdleConns=12", "roundtrip.transport.max-idle-conns-per-host=3",
					"roundtrip.transport.drainOnClose.maxBytes=1KB", "roundtrip.transport.idleConnTimeout=1500")
			.run((context) -> {
				TransportSettings settings = context.getBean(Transport.class).settings();
				assertThat(settings.maxIdleConns()).isEqualTo(12);
				assertThat(settings.maxIdleConnsPerHost()).isEqualTo(3);
				assertThat(settings.drainOnCloseMaxBytes()).isEqualTo(1024);
				assertThat(settings.idleConnTimeout()).isEqualTo(Duration.ofMillis(1500));
			});
	}

	@Test
	void perHostOverridesBindToHostSettings() {
		Map<String, Object> properties = new LinkedHashMap<>();
		properties.put("roundtrip.transport.hosts.[api.example.com:443].max-conns-per-host", "8");
		properties.put("roundtrip.transport.hosts.[api.example.com:443].idle-conn-timeout", "15s");
		properties.put("roundtrip.transport.hosts.[localhost:8080].maxIdleConnsPerHost", "2");
		properties.put("roundtrip.transport.hosts.[localhost:8080].max-conn-lifetime", "1m");
		properties.put("roundtrip.transport.hosts.[localhost:8080].response-header-timeout", "2s");
		properties.put("roundtrip.transport.hosts.[localhost:8080].pool-wait-timeout", "250ms");
		properties.put("roundtrip.transport.hosts.[localhost:8080].max-pending-per-host", "16");
		properties.put("roundtrip.transport.hosts.[localhost:8080].max-conn-lifetime-jitter", "10s");
		properties.put("roundtrip.transport.hosts.[localhost:8080].max-requests-per-conn", "1000");
		properties.put("roundtrip.transport.hosts.[localhost:8080].idle-order", "fifo");
		properties.put("roundtrip.transport.hosts.[localhost:8080].min-idle-conns", "2");
		properties.put("roundtrip.transport.hosts.[docker.invalid:80].unix-socket", "/var/run/docker.sock");
		this.runner.withInitializer((context) -> addProperties(context, properties)).run((context) -> {
			TransportSettings settings = context.getBean(Transport.class).settings();
			assertThat(settings.hosts()).containsOnlyKeys("api.example.com:443", "localhost:8080", "docker.invalid:80");
			assertThat(settings.host("api.example.com:443"))
				.isEqualTo(HostSettings.INHERIT.withMaxConnsPerHost(8).withIdleConnTimeout(Duration.ofSeconds(15)));
			assertThat(settings.host("localhost:8080"))
				.isEqualTo(new HostSettings(null, 2, null, Duration.ofMinutes(1), Duration.ofSeconds(2),
						Duration.ofMillis(250), 16, Duration.ofSeconds(10), 1000, IdleOrder.FIFO, 2, null));
			assertThat(settings.host("docker.invalid:80"))
				.isEqualTo(HostSettings.INHERIT.withUnixSocket(Path.of("/var/run/docker.sock")));
		});
	}

	@ParameterizedTest
	@CsvSource({ "socks5://user:secret@proxy.test:1080", "socks5h://proxy.test", "https://proxy.test:8443" })
	void socksAndHttpsProxyUrlsBind(String url) {
		this.runner.withPropertyValues("roundtrip.transport.proxy.url=" + url)
			.run((context) -> assertThat(context.getBean(Transport.class).settings().proxy())
				.isEqualTo(URI.create(url)));
	}

	@ParameterizedTest
	@CsvSource(delimiter = '|', textBlock = """
			max-idle-conns=-1                    | roundtrip.transport.max-idle-conns
			max-conns-per-host=-2                | roundtrip.transport.max-conns-per-host
			idle-conn-timeout=-1s                | roundtrip.transport.idle-conn-timeout
			dial-timeout=-5ms                    | roundtrip.transport.dial-timeout
			write-buffer-size=100B               | roundtrip.transport.write-buffer-size
			read-buffer-size=1GB                 | roundtrip.transport.read-buffer-size
			max-response-header-bytes=10B        | roundtrip.transport.max-response-header-bytes
			drain-on-close.max-bytes=-1B         | roundtrip.transport.drain-on-close.max-bytes
			drain-on-close.timeout=-1s           | roundtrip.transport.drain-on-close.timeout
			proxy.url=ftp://proxy.test           | roundtrip.transport.proxy.url
			leak-detection=sometimes             | roundtrip.transport.leak-detection
			idle-conn-timeout=soon               | roundtrip.transport.idle-conn-timeout
			max-idle-conns=many                  | roundtrip.transport.max-idle-conns
			pool-wait-timeout=-1s                | roundtrip.transport.pool-wait-timeout
			max-pending-per-host=-1              | roundtrip.transport.max-pending-per-host
			max-requests-per-conn=-3             | roundtrip.transport.max-requests-per-conn
			idle-order=random                    | roundtrip.transport.idle-order
			keep-alive-margin=-1s                | roundtrip.transport.keep-alive-margin
			max-conn-lifetime-jitter=-1s         | roundtrip.transport.max-conn-lifetime-jitter
			""")
	void invalidValuesFailStartupNamingTheProperty(String property, String named) {
		this.runner.withPropertyValues("roundtrip.transport." + property).run((context) -> {
			assertThat(context).hasFailed();
			assertThat(messages(context.getStartupFailure())).contains(named);
		});
	}

	@Test
	void invalidPerHostValuesFailStartupNamingTheProperty() {
		Map<String, Object> properties = Map.of("roundtrip.transport.hosts.[api.example.com:443].max-conns-per-host",
				"-1");
		this.runner.withInitializer((context) -> addProperties(context, properties)).run((context) -> {
			assertThat(context).hasFailed();
			assertThat(messages(context.getStartupFailure()))
				.contains("roundtrip.transport.hosts.[api.example.com:443].max-conns-per-host");
		});
	}

	@Test
	void inconsistentPoolFeaturesFailStartupNamingTheProperty() {
		this.runner
			.withPropertyValues("roundtrip.transport.max-conn-lifetime=1m",
					"roundtrip.transport.max-conn-lifetime-jitter=2m")
			.run((context) -> assertThat(messages(context.getStartupFailure()))
				.contains("roundtrip.transport.max-conn-lifetime-jitter")
				.contains("must not exceed max-conn-lifetime"));
		Map<String, Object> properties = Map.of("roundtrip.transport.hosts.[api.example.com:8443].min-idle-conns", "3",
				"roundtrip.transport.hosts.[api.example.com:8443].max-conns-per-host", "2");
		this.runner.withInitializer((context) -> addProperties(context, properties))
			.run((context) -> assertThat(messages(context.getStartupFailure()))
				.contains("roundtrip.transport.hosts.[api.example.com:8443].min-idle-conns")
				.contains("must not exceed max-conns-per-host (2)"));
	}

	@Test
	void hostKeysMustBeHostAndPort() {
		Map<String, Object> properties = Map.of("roundtrip.transport.hosts.[api.example.com].max-conns-per-host", "1");
		this.runner.withInitializer((context) -> addProperties(context, properties)).run((context) -> {
			assertThat(context).hasFailed();
			assertThat(messages(context.getStartupFailure())).contains("roundtrip.transport.hosts.api.example.com")
				.contains("host:port");
		});
	}

	@Test
	void transportBuilderCustomizersHaveTheLastWord() {
		this.runner.withPropertyValues("roundtrip.transport.max-idle-conns=11")
			.withBean(TransportBuilderCustomizer.class, () -> (builder) -> builder.maxIdleConns(3))
			.run((context) -> assertThat(context.getBean(Transport.class).settings().maxIdleConns()).isEqualTo(3));
	}

	@Test
	void clientHttpRequestFactoryBuilderCustomizersOfTheRoundtripTypeAreApplied() {
		this.runner.withUserConfiguration(BuilderCustomizer.class).run((context) -> {
			RoundtripClientHttpRequestFactory factory = factory(context);
			assertThat(factory.getReadTimeout()).isEqualTo(Duration.ofSeconds(42));
		});
	}

	@Test
	void redirectsFollowByDefault() {
		this.runner.run((context) -> assertThat(factory(context).isFollowRedirects()).isTrue());
		this.runner.withPropertyValues("spring.http.clients.redirects=" + HttpRedirects.FOLLOW)
			.run((context) -> assertThat(factory(context).isFollowRedirects()).isTrue());
	}

	private static RoundtripClientHttpRequestFactory factory(ApplicationContext context) {
		// Boot's lazy ClientHttpRequestFactory bean, built from whichever builder won.
		return (RoundtripClientHttpRequestFactory) context.getBean(ClientHttpRequestFactory.class);
	}

	private static void addProperties(ConfigurableApplicationContext context, Map<String, Object> properties) {
		// Keys with ':' cannot be written as "key=value" pairs; a property source takes
		// them as they are.
		context.getEnvironment().getPropertySources().addFirst(new MapPropertySource("test", properties));
	}

	private static String messages(Throwable failure) {
		StringBuilder messages = new StringBuilder();
		for (Throwable t = failure; t != null; t = t.getCause()) {
			messages.append(t.getMessage()).append('\n');
		}
		return messages.toString();
	}

	@Configuration(proxyBeanMethods = false)
	static class OwnTransport {

		@Bean(destroyMethod = "close")
		Transport ownTransport() {
			return Transport.builder().maxConnsPerHost(7).build();
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class AnotherTransport {

		@Bean(destroyMethod = "close")
		Transport anotherTransport() {
			return Transport.builder().build();
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class PrimaryTransport {

		@Bean(destroyMethod = "close")
		@Primary
		Transport primaryTransport() {
			return Transport.builder().build();
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class ReplacingTransport {

		@Bean(destroyMethod = "close")
		Transport roundtripTransport() {
			return Transport.builder().maxConnsPerHost(9).build();
		}

	}

	@Configuration(proxyBeanMethods = false)
	public static class SecondPool {

		@Bean(destroyMethod = "close")
		Transport apiTransport(RoundtripTransports transports) {
			return transports.builder("apiTransport", "api.transport").build();
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class OwnBuilder {

		final ClientHttpRequestFactoryBuilder<?> builder = ClientHttpRequestFactoryBuilder.simple();

		@Bean
		ClientHttpRequestFactoryBuilder<?> ownBuilder() {
			return this.builder;
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class BuilderCustomizer {

		@Bean
		ClientHttpRequestFactoryBuilderCustomizer<RoundtripClientHttpRequestFactoryBuilder> readTimeoutCustomizer() {
			return (builder) -> builder.withCustomizer((factory) -> factory.setReadTimeout(Duration.ofSeconds(42)));
		}

	}

}
