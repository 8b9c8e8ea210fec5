using Expothesis.Fast.Gateway;

try
{
    var app = GatewayHost.Build(GatewayHost.CreateBuilder(args));
    await app.RunAsync().ConfigureAwait(false);
    return 0;
}
catch (InvalidOperationException ex) when (ex.Message.StartsWith("Refusing", StringComparison.Ordinal) || ex.Message.StartsWith("Expothesis:", StringComparison.Ordinal))
{
    await Console.Error.WriteLineAsync("expothesis: " + ex.Message).ConfigureAwait(false);
    return 2;
}
