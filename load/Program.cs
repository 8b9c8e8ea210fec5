Console.WriteLine("usage: load <scenario> [options]");
return 0;
