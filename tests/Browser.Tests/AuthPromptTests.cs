using static Microsoft.Playwright.Assertions;

namespace Expothesis.Fast.Browser.Tests;

/// <summary>The API-key prompt against a gateway that has keys configured.</summary>
[Collection(DashboardCollection.Name)]
public sealed class AuthPromptTests
{
    private readonly DashboardFixture _fx;

    public AuthPromptTests(DashboardFixture fixture)
    {
        _fx = fixture;
    }

    [Fact]
    public async Task A_server_with_keys_makes_the_page_ask_for_one_and_keep_it_for_the_session()
    {
        const string Key = "browser-test-admin-key";
        await using var server = await GatewayServer.StartAsync(["--Expothesis:Auth:Keys:0:Key=" + Key, "--Expothesis:Auth:Keys:0:Scope=admin"]);
        var (context, page, errors) = await _fx.Browser.NewPageAsync(1280, 800);
        await using var _ = context;

        await page.GotoAsync(new Uri(server.BaseAddress, "#/experiments").ToString());
        await Expect(page.Locator("#key-dialog")).ToBeVisibleAsync();
        await page.FillAsync("#key-input", Key);
        await page.Keyboard.PressAsync("Enter");
        await Expect(page.Locator("#key-dialog")).ToBeHiddenAsync();
        await Expect(page.Locator("#experiments-empty")).ToBeVisibleAsync();
        Assert.Equal(Key, await page.EvaluateAsync<string>("() => sessionStorage.getItem('expothesis.apiKey')"));

        await page.ReloadAsync();
        await Expect(page.Locator("#experiments-empty")).ToBeVisibleAsync();
        await Expect(page.Locator("#key-dialog")).ToBeHiddenAsync();

        // The one refused request before the key was entered is the only console error.
        var unexpected = Snapshot(errors).Where(e => !e.Contains("401", StringComparison.Ordinal)).ToList();
        Assert.Empty(unexpected);
    }

    private static List<string> Snapshot(List<string> errors)
    {
        lock (errors)
        {
            return [.. errors];
        }
    }
}
